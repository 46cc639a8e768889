"""Pre-flight check of skeleton annotations before training starts.

A NaN in one clip used to stop a run hours in, naming only that clip. The check
here runs over all annotations of a dataset before the first iteration and reports
every bad clip with its reason. It has two steps:

- :func:`summarize_clips` reads every annotation once: its (M, T, V, C) shape, its
  number of valid (non-zero) frames, its label, and what makes it unusable whatever
  the model (no 4-D numeric ``keypoint`` array, no person or frame, a non-finite
  coordinate). The numeric part is vectorised: clips of the same (M, V, C) are
  concatenated along time in chunks and reduced per frame, then per clip with
  ``np.add.reduceat``; chunks run on a thread pool (numpy releases the GIL).
- :func:`bad_samples_of` compares a summary with what a model and pipeline need
  (:class:`SampleRequirements`): joints V and coordinates C, one token's worth of valid
  frames, an integer label in [0, num_classes) where the model classifies. This step
  is cheap, so a dataset summarised when it loads is checked against the model later.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from numbers import Integral
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

CHUNK_FRAMES = 1 << 16  # person-frames summed per chunk (~30 MB of float32 NTU joints)


@dataclass(frozen=True)
class SampleRequirements:
    """What every annotation must satisfy.

    Attributes:
        num_joints: joints V per frame (None: any).
        num_coords: coordinates C per joint (None: any).
        min_valid_frames: fewest valid (non-zero) frames, at least one token.
        num_classes: labels must be integers in [0, num_classes).
        labels_required: labels must be non-negative integers (implied by num_classes).
    """

    num_joints: Optional[int] = None
    num_coords: Optional[int] = None
    min_valid_frames: int = 1
    num_classes: Optional[int] = None
    labels_required: bool = False


@dataclass(frozen=True)
class BadSample:
    """One annotation that fails the check: its position, name and reason."""

    position: int
    name: str
    reason: str


@dataclass
class ClipSummary:
    """What the check needs of every annotation of a dataset, in list order.

    Attributes:
        names: ``frame_dir`` (or ``filename``) of each annotation.
        shapes: (N, 4) int (M, T, V, C); rows of malformed annotations are -1.
        valid_frames: (N,) frames whose coordinate sum is non-zero.
        labels: the raw ``label`` values (None where absent).
        malformed: position -> reason for annotations unusable whatever the model.
    """

    names: List[str]
    shapes: np.ndarray
    valid_frames: np.ndarray
    labels: list
    malformed: Dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    def subset(self, positions: Sequence[int]) -> ClipSummary:
        """The summary of the annotations at ``positions``, renumbered from 0."""
        new_position = {old: new for new, old in enumerate(positions)}
        return ClipSummary(
            names=[self.names[i] for i in positions],
            shapes=self.shapes[list(positions)],
            valid_frames=self.valid_frames[list(positions)],
            labels=[self.labels[i] for i in positions],
            malformed={new_position[i]: r for i, r in self.malformed.items() if i in new_position},
        )


def pipeline_min_valid_frames(pipeline) -> int:
    """The most valid frames any step of a (built) pipeline needs (``min_valid_frames``)."""
    steps = getattr(pipeline, 'transforms', None) or []
    return max([getattr(step, 'min_valid_frames', 1) for step in steps] + [1])


def sample_identifier(item: dict, position: int) -> str:
    """``frame_dir`` (or ``filename``) of an annotation, else its position."""
    return str(item.get('frame_dir', item.get('filename', f'annotation #{position}')))


def _malformed_reason(item: dict) -> Optional[str]:
    """Why an annotation's keypoint array is unusable whatever the model, or None."""
    keypoint = item.get('keypoint')
    if not isinstance(keypoint, np.ndarray):
        return 'no "keypoint" array'
    if keypoint.ndim != 4:
        return f'keypoint must be (M, T, V, C), got shape {keypoint.shape}'
    if not np.issubdtype(keypoint.dtype, np.number) or np.iscomplexobj(keypoint):
        return f'keypoint has non-numeric dtype {keypoint.dtype}'
    persons, frames = keypoint.shape[:2]
    if persons == 0 or frames == 0:
        return f'keypoint has no {"person" if persons == 0 else "frame"} (shape {keypoint.shape})'
    return None


def _frame_counts(clips: Sequence[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """Valid and non-finite frame counts of clips sharing (M, V, C), each (len(clips),)."""
    frames = np.concatenate(clips, axis=1)  # (M, sum T, V, C)
    starts = np.cumsum([0] + [clip.shape[1] for clip in clips[:-1]])
    per_frame_sum = frames.sum(axis=(0, 2, 3))
    valid = np.add.reduceat((per_frame_sum != 0).astype(np.int64), starts)
    finite = np.isfinite(per_frame_sum)  # a non-finite coordinate makes its frame sum non-finite
    non_finite = np.add.reduceat((~finite).astype(np.int64), starts)
    return valid, non_finite


def _non_finite_reason(clip: np.ndarray, num_frames: int) -> str:
    """Reason for a clip whose frame sums are not all finite."""
    bad_frames = np.flatnonzero(~np.isfinite(clip).all(axis=(0, 2, 3)))
    if bad_frames.size == 0:
        return 'coordinates so large that their frame sums overflow'
    return f'non-finite coordinates in {num_frames} frame(s), first frame {bad_frames[0]}'


def _chunks(positions: List[int], clips: Dict[int, np.ndarray]) -> List[List[int]]:
    """Split positions into runs of about CHUNK_FRAMES person-frames."""
    chunks, current, size = [], [], 0
    for position in positions:
        current.append(position)
        size += clips[position].shape[0] * clips[position].shape[1]
        if size >= CHUNK_FRAMES:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _count_frames(
    clips: Dict[int, np.ndarray], valid_frames: np.ndarray, num_threads: int
) -> Dict[int, str]:
    """Fill ``valid_frames``; return position -> reason for non-finite clips."""
    groups: Dict[tuple, List[int]] = {}
    for position, clip in clips.items():
        groups.setdefault((clip.shape[0], clip.shape[2], clip.shape[3]), []).append(position)
    chunks = [chunk for group in groups.values() for chunk in _chunks(group, clips)]

    def count(chunk: List[int]) -> Dict[int, str]:
        valid, non_finite = _frame_counts([clips[position] for position in chunk])
        valid_frames[chunk] = valid
        return {
            position: _non_finite_reason(clips[position], num_bad)
            for position, num_bad in zip(chunk, non_finite.tolist())
            if num_bad
        }

    problems: Dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=num_threads) as pool:
        for found in pool.map(count, chunks):
            problems.update(found)
    return problems


def summarize_clips(data_list: Sequence[dict], num_threads: Optional[int] = None) -> ClipSummary:
    """Read every annotation of ``data_list`` once (see the module docstring).

    Args:
        data_list: annotations (dicts with ``keypoint`` (M, T, V, C) and ``label``).
        num_threads: worker threads for the frame counts (default: CPU count, at most 8).
    """
    num_threads = num_threads or min(8, os.cpu_count() or 1)
    size = len(data_list)
    shapes = np.full((size, 4), -1, dtype=np.int64)
    valid_frames = np.zeros(size, dtype=np.int64)
    malformed: Dict[int, str] = {}
    clips: Dict[int, np.ndarray] = {}
    for position, item in enumerate(data_list):
        reason = _malformed_reason(item)
        if reason is None:
            clips[position] = item['keypoint']
            shapes[position] = item['keypoint'].shape
        else:
            malformed[position] = reason
    malformed.update(_count_frames(clips, valid_frames, num_threads))
    return ClipSummary(
        names=[sample_identifier(item, i) for i, item in enumerate(data_list)],
        shapes=shapes,
        valid_frames=valid_frames,
        labels=[item.get('label') for item in data_list],
        malformed=malformed,
    )


def _label_problem(label, num_classes: Optional[int]) -> Optional[str]:
    if label is None:
        return 'no label (unlabelled clip), but labels are needed here'
    if not isinstance(label, Integral) or isinstance(label, bool):
        return f'label {label!r} is not an integer class index'
    if label < 0:
        return f'label {label} is negative'
    if num_classes is not None and label >= num_classes:
        return f'label {label} out of range for {num_classes} classes'
    return None


def bad_samples_of(summary: ClipSummary, requirements: SampleRequirements) -> List[BadSample]:
    """Every annotation of ``summary`` that fails ``requirements``, in list order."""
    reasons = dict(summary.malformed)
    usable = np.ones(len(summary), dtype=bool)
    usable[list(reasons)] = False
    joints, coords = summary.shapes[:, 2], summary.shapes[:, 3]
    checks = [
        (requirements.num_joints, joints, '{} joints, the model expects {}'),
        (requirements.num_coords, coords, '{} coordinates per joint, the model expects {}'),
    ]
    for expected, found, template in checks:
        if expected is None:
            continue
        for position in np.flatnonzero(usable & (found != expected)).tolist():
            reasons[position] = template.format(found[position], expected)
            usable[position] = False
    too_short = usable & (summary.valid_frames < requirements.min_valid_frames)
    for position in np.flatnonzero(too_short).tolist():
        reasons[position] = (
            f'{summary.valid_frames[position]} valid (non-zero) frame(s), fewer than the '
            f'{requirements.min_valid_frames} one token needs'
        )
    if requirements.num_classes is not None or requirements.labels_required:
        for position in np.flatnonzero(usable & ~too_short).tolist():
            problem = _label_problem(summary.labels[position], requirements.num_classes)
            if problem:
                reasons[position] = problem
    return [
        BadSample(position, summary.names[position], reasons[position])
        for position in sorted(reasons)
    ]


def find_bad_samples(
    data_list: Sequence[dict],
    requirements: SampleRequirements,
    num_threads: Optional[int] = None,
) -> List[BadSample]:
    """Every annotation of ``data_list`` that fails ``requirements``, in list order."""
    return bad_samples_of(summarize_clips(data_list, num_threads), requirements)


def bad_sample_report(bad: Sequence[BadSample], source: str, limit: Optional[int] = None) -> str:
    """Human-readable list, one ``name: reason`` line per bad sample (``limit`` lines at most)."""
    shown = bad if limit is None else bad[:limit]
    lines = [f'{len(bad)} bad sample(s) in {source}:']
    lines += [f'  {sample.name}: {sample.reason}' for sample in shown]
    if len(shown) < len(bad):
        lines.append(f'  ... and {len(bad) - len(shown)} more')
    return '\n'.join(lines)
