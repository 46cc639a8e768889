"""Skeleton sequences from files: ``.npy``, NTU ``.skeleton``, mmpose JSON.

mmaction2 reads skeletons only from dataset pickles or 2-D ``pose_inference`` results;
a 3-D file has no reader there. Each is read as the training data of its kind were:

* ``.npy``: (T, V, C) for one person or (M, T, V, C), as stored;
* ``.skeleton`` (NTU RGB+D): the NTU converter's processing (body tracks, denoising, two
  actors, translation to actor 1's first spine-middle joint);
* ``.json`` (mmpose video predictions): person slot m of a frame is its m-th instance;
  2-D keypoints keep their scores (the 2-D pipelines read them), 3-D ones do not.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import numpy as np

from ..preparation.mmpose_json import read_mmpose_json
from ..preparation.ntu_skeleton import process_recording, read_skeleton_file
from ..preparation.numpy_arrays import check_clip_array, load_npy


@dataclass
class SkeletonInput:
    """``keypoint`` (M, T, V, C) or (T, V, C); ``keypoint_score`` (M, T, V) for 2-D poses."""

    keypoint: np.ndarray
    keypoint_score: Optional[np.ndarray] = None


def read_skeleton_input(path: Union[str, Path], max_persons: int = 2) -> SkeletonInput:
    """Read a ``.npy``, NTU ``.skeleton`` or mmpose ``.json`` file (its suffix says which),
    keeping ``max_persons`` per frame of an mmpose file.

    Raises:
        FileNotFoundError: no such file.
        ValueError: an unknown suffix, or a file breaking its format (file named).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'{path} does not exist')
    suffix = path.suffix.lower()
    if suffix == '.npy':
        return SkeletonInput(check_clip_array(load_npy(path), path))
    if suffix == '.skeleton':
        return SkeletonInput(process_recording(read_skeleton_file(path)))
    if suffix == '.json':
        poses = read_mmpose_json(path, max_persons)
        is_2d = poses.keypoint.shape[-1] == 2
        return SkeletonInput(poses.keypoint, poses.keypoint_score if is_2d else None)
    raise ValueError(f'{path}: unknown input type; expected .npy, .skeleton or .json')
