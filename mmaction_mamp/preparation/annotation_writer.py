"""mmaction2 ``PoseDataset`` annotation pickles.

Layout (what ``PoseDataset(ann_file=..., split=...)`` reads)::

    dict(split=dict(xsub_train=[frame_dir, ...], xsub_val=[...], ...),
         annotations=[dict(frame_dir=str, label=int, total_frames=int,
                           keypoint=float32 array (M, T, V, C)), ...])
"""

import os
import pickle
import tempfile
from pathlib import Path
from typing import Iterable, List, Mapping, Sequence, Set

import numpy as np

from .records import ConversionSummary, PathLike, Sample


def to_annotation(sample: Sample) -> dict:
    """One ``PoseDataset`` annotation; ``total_frames`` is the keypoint's T.

    ``keypoint_score`` and ``img_shape`` (and ``original_shape``, the same) are written
    when the sample has them (2-D poses).

    Raises:
        ValueError: keypoint not a 4-D float32 array with at least one frame, or a
            keypoint_score that is not float32 (M, T, V).
    """
    keypoint = sample.keypoint
    if keypoint.ndim != 4 or keypoint.dtype != np.float32 or keypoint.shape[1] == 0:
        raise ValueError(
            f'{sample.name}: keypoint must be float32 (M, T, V, C) with T > 0, '
            f'got {keypoint.dtype} {keypoint.shape}'
        )
    annotation = dict(
        frame_dir=sample.name,
        label=int(sample.label),
        total_frames=int(keypoint.shape[1]),
        keypoint=keypoint,
    )
    score = sample.keypoint_score
    if score is not None:
        if score.dtype != np.float32 or score.shape != keypoint.shape[:3]:
            raise ValueError(
                f'{sample.name}: keypoint_score must be float32 (M, T, V) = '
                f'{keypoint.shape[:3]}, got {score.dtype} {score.shape}'
            )
        annotation['keypoint_score'] = score
    if sample.img_shape is not None:
        height, width = (int(size) for size in sample.img_shape)
        annotation['img_shape'] = annotation['original_shape'] = (height, width)
    return annotation


def check_splits(names: Sequence[str], splits: Mapping[str, Iterable[str]]) -> None:
    """Names must be unique and every split entry must name an annotation.

    Raises:
        ValueError: naming the first duplicate or unknown name.
    """
    known: Set[str] = set()
    for name in names:
        if name in known:
            raise ValueError(f'duplicate frame_dir {name!r}')
        known.add(name)
    for split_name, members in splits.items():
        unknown = [name for name in members if name not in known]
        if unknown:
            raise ValueError(f'split {split_name!r} lists unknown sample {unknown[0]!r}')


def write_pose_annotations(
    path: PathLike, samples: Sequence[Sample], splits: Mapping[str, List[str]]
) -> None:
    """Write the pickle atomically (temporary file, then rename).

    Args:
        path: Output ``.pkl``; parent folders are created.
        samples: Converted samples, in output order.
        splits: Split name -> list of sample names.

    Raises:
        ValueError: no samples, inconsistent names or malformed keypoints;
            nothing is written then.
    """
    if not samples:
        raise ValueError(f'no sample to write to {path}')
    annotations = [to_annotation(sample) for sample in samples]
    check_splits([sample.name for sample in samples], splits)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    content = dict(
        split={name: list(members) for name, members in splits.items()}, annotations=annotations
    )
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix='.pkl.part')
    try:
        with os.fdopen(handle, 'wb') as stream:
            pickle.dump(content, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(temporary, _regular_file_mode())  # mkstemp creates it owner-only
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _regular_file_mode() -> int:
    """0o666 filtered by the process umask, the mode ``open()`` would give."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_summary_output(
    path: PathLike,
    samples: Sequence[Sample],
    splits: Mapping[str, List[str]],
    summary: ConversionSummary,
) -> None:
    """Write the pickle when there is a sample, and record it in ``summary``.

    With no sample nothing is written (``PoseDataset`` cannot read an empty
    annotation list) and the summary says so.
    """
    if not samples:
        summary.notes.append(f'no sample converted: {path} was not written')
        return
    write_pose_annotations(path, samples, splits)
    summary.written = len(samples)
    summary.split_sizes = {name: len(members) for name, members in splits.items()}
