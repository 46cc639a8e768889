"""Skeleton sequences from files, for predictions: ``.npy``, NTU ``.skeleton``, mmpose JSON.

Each file is read the way the training data of its kind were prepared:

* ``.npy``: (T, V, C) for one person or (M, T, V, C), used as stored;
* ``.skeleton`` (NTU RGB+D): the official MAMP processing of the NTU converter (body
  tracks, denoising, two actors, translation to actor 1's first spine-middle joint,
  :func:`~mmaction_mamp.preparation.ntu_skeleton.process_recording`);
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

SUFFIXES = ('.npy', '.skeleton', '.json')


@dataclass
class SkeletonInput:
    """One sequence to classify.

    Args:
        keypoint: (M, T, V, C), or (T, V, C) for one person.
        keypoint_score: (M, T, V) float32 for 2-D mmpose poses, else None.
    """

    keypoint: np.ndarray
    keypoint_score: Optional[np.ndarray] = None


def read_skeleton_input(path: Union[str, Path], max_persons: int = 2) -> SkeletonInput:
    """Read a ``.npy``, NTU ``.skeleton`` or mmpose ``.json`` file.

    Args:
        path: the file; its suffix says the format.
        max_persons: persons kept per frame of an mmpose file.

    Raises:
        FileNotFoundError: no such file.
        ValueError: an unknown suffix, or a file breaking its format (file named; for
            ``.npy`` with the expected shape).
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
    raise ValueError(f'{path}: unknown input type; expected one of {", ".join(SUFFIXES)}')
