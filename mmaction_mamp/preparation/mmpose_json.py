"""mmpose keypoint JSON (2-D and 3-D) -> ``PoseDataset`` pickle.

mmpose writes one JSON file per video, either from ``MMPoseInferencer`` (``pred_out_dir``):
a list of frames ``{"frame_id": i, "instances": [...]}``, or from its top-down demo
(``--save-predictions``): ``{"meta_info": {...}, "instance_info": [frames]}``. Each
instance holds ``keypoints`` (V lists of x y in pixels, or x y z for the 3-D inferencer)
and ``keypoint_scores`` (V values).

Persons: mmpose does not track people, so person slot ``m`` of a frame is the frame's
``m``-th instance in file order (mmpose lists instances by detection); at most
``max_persons`` are kept per frame, and the summary notes how many instances were left out.
Frames without an instance, and frame ids missing from the file, stay all-zero (absent).

2-D keypoints keep their scores (``keypoint_score``, (M, T, V)) and the video's
``img_shape``, as mmaction2's 2-D pickles do; 3-D keypoints are stored as x y z only, like
the 3-D pickles (mmaction2's ``FormatGCNInput`` would append a stored score as a fourth
channel).
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .custom_clips import (
    clip_files,
    read_label_file,
    read_or_skip,
    trimmed_clip,
    write_custom_pickle,
)
from .records import ConversionSummary, InputFormatError, PathLike, Sample


@dataclass
class PoseSequence:
    """The poses of one mmpose JSON file.

    Args:
        keypoint: (M, T, V, C) float32, C = 2 (pixels) or 3 (3-D).
        keypoint_score: (M, T, V) float32, 0 where nobody was kept.
        dropped_instances: instances beyond ``max_persons``, summed over frames.
    """

    keypoint: np.ndarray
    keypoint_score: np.ndarray
    dropped_instances: int = 0


def _frames(content, path: PathLike) -> List[dict]:
    """The frame list of either mmpose layout."""
    if isinstance(content, dict) and 'instance_info' in content:
        content = content['instance_info']
    if not isinstance(content, list) or not all(
        isinstance(frame, dict) and isinstance(frame.get('instances'), list) for frame in content
    ):
        raise InputFormatError(
            path,
            None,
            'malformed json',
            'expected a list of {"frame_id", "instances"} frames (mmpose video output) or '
            '{"instance_info": [frames]}',
        )
    if not content:
        raise InputFormatError(path, None, 'empty sequence', 'the file lists no frame')
    return content


def _frame_positions(frames: Sequence[dict], path: PathLike) -> List[int]:
    """Time index of each frame: its ``frame_id`` from the first one, else its position."""
    if not all('frame_id' in frame for frame in frames):
        return list(range(len(frames)))
    ids = [frame['frame_id'] for frame in frames]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InputFormatError(path, None, 'malformed json', 'frame_id values must be integers')
    if len(set(ids)) != len(ids):
        raise InputFormatError(path, None, 'malformed json', 'a frame_id appears twice')
    first = min(ids)
    return [i - first for i in ids]


def _instance_arrays(instance: dict, path: PathLike, where: str) -> Tuple[np.ndarray, np.ndarray]:
    """(V, C) keypoints and (V,) scores of one instance (a leading axis of 1 is dropped)."""
    try:
        keypoints = np.asarray(instance['keypoints'], dtype=np.float32)
        scores = np.asarray(instance['keypoint_scores'], dtype=np.float32)
    except KeyError as error:
        raise InputFormatError(path, None, 'malformed json', f'{where} has no {error}') from None
    except (TypeError, ValueError) as error:
        raise InputFormatError(path, None, 'malformed json', f'{where}: {error}') from None
    if keypoints.ndim == 3 and keypoints.shape[0] == 1:
        keypoints, scores = keypoints[0], scores.reshape(scores.shape[-1:])
    if (
        keypoints.ndim != 2
        or keypoints.shape[1] not in (2, 3)
        or scores.shape != keypoints.shape[:1]
    ):
        raise InputFormatError(
            path,
            None,
            'wrong joint count',
            f'{where}: keypoints {keypoints.shape} and keypoint_scores {scores.shape}; '
            'expected (V, 2) or (V, 3) and (V,)',
        )
    return keypoints, scores


def read_mmpose_json(path: PathLike, max_persons: int = 2) -> PoseSequence:
    """Read one video's mmpose predictions.

    Args:
        path: the JSON file.
        max_persons: person slots M; further instances of a frame are left out.

    Raises:
        InputFormatError: not JSON, another layout, instances of different joint or
            coordinate counts, or no instance in any frame (file and frame named).
    """
    try:
        content = json.loads(Path(path).read_text(encoding='utf-8'))
    except json.JSONDecodeError as error:
        raise InputFormatError(path, error.lineno, 'malformed json', error.msg) from None
    frames = _frames(content, path)
    positions = _frame_positions(frames, path)
    kept: List[Tuple[int, int, np.ndarray, np.ndarray]] = []  # (time, slot, joints, scores)
    dropped = 0
    for frame, time in zip(frames, positions):
        for slot, instance in enumerate(frame['instances'][:max_persons]):
            where = f'frame {frame.get("frame_id", time)} instance {slot}'
            kept.append((time, slot, *_instance_arrays(instance, path, where)))
        dropped += max(len(frame['instances']) - max_persons, 0)
    if not kept:
        raise InputFormatError(path, None, 'empty sequence', 'no frame holds an instance')
    shape = kept[0][2].shape
    for time, slot, joints, _ in kept:
        if joints.shape != shape:
            raise InputFormatError(
                path,
                None,
                'wrong joint count',
                f'frame at time {time} instance {slot} has keypoints {joints.shape}, '
                f'the first instance {shape}',
            )
    num_persons = max(slot for _, slot, _, _ in kept) + 1
    keypoint = np.zeros((num_persons, max(positions) + 1, *shape), dtype=np.float32)
    score = np.zeros(keypoint.shape[:3], dtype=np.float32)
    for time, slot, joints, scores in kept:
        keypoint[slot, time], score[slot, time] = joints, scores
    return PoseSequence(keypoint, score, dropped)


def sample_from_json(
    path: Path, max_persons: int, img_shape: Optional[Tuple[int, int]]
) -> Tuple[Sample, int]:
    """One clip (scores and ``img_shape`` for 2-D only) and its dropped-instance count.

    Raises:
        InputFormatError: as :func:`read_mmpose_json`; also a 2-D file without
            ``img_shape`` (the pixels cannot be normalised without the frame size).
    """
    poses = read_mmpose_json(path, max_persons)
    name = path.stem
    keypoint = trimmed_clip(poses.keypoint, name, path)
    if keypoint.shape[-1] == 3:
        return Sample(name, -1, keypoint), poses.dropped_instances
    if img_shape is None:
        raise InputFormatError(
            path,
            None,
            'no image size',
            '2-D keypoints are pixels: give the video frame size (img_shape = height, width)',
        )
    score = np.ascontiguousarray(poses.keypoint_score[:, : keypoint.shape[1]])
    return Sample(name, -1, keypoint, score, img_shape), poses.dropped_instances


def convert_mmpose_folder(
    folder: PathLike,
    out_file: PathLike,
    labels_file: Optional[PathLike] = None,
    split_file: Optional[PathLike] = None,
    max_persons: int = 2,
    img_shape: Optional[Tuple[int, int]] = None,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> ConversionSummary:
    """Convert a folder of mmpose JSON files (one video each, sorted by name).

    Args:
        folder: folder holding ``<clip name>.json`` files.
        out_file: output ``.pkl``.
        labels_file: ``name label`` lines; None: unlabelled clips (pre-training only).
        split_file: JSON ``{"split": [names]}``; None: seeded ``train`` / ``val`` split.
        max_persons: person slots M kept per frame.
        img_shape: (height, width) of the videos (needed for 2-D keypoints).
        val_fraction: share of each class in ``val`` (random split).
        seed: seed of the random split.

    Raises:
        FileNotFoundError: the folder does not exist or holds no ``.json`` file.
        InputFormatError: an unusable labels or split file.
    """
    files = clip_files(folder, '.json')
    labels = read_label_file(labels_file) if labels_file else None
    dropped = 0

    def read_clip(path: Path) -> Sample:
        nonlocal dropped
        sample, count = sample_from_json(path, max_persons, img_shape)
        dropped += count
        return sample

    clips = [read_or_skip(path.stem, functools.partial(read_clip, path)) for path in files]
    summary = write_custom_pickle(clips, out_file, labels, split_file, val_fraction, seed)
    if dropped:
        summary.notes.append(
            f'{dropped} instance(s) beyond the first {max_persons} of their frame left out '
            '(raise max_persons to keep them)'
        )
    return summary
