"""Pre-flight check of every skeleton annotation before training starts.

A NaN in one clip used to stop a run hours in, naming only that clip. The
check here runs when a dataset loads its annotations, over all of them,
and reports every bad clip with its reason:

- ``keypoint`` present, a 4-D (M, T, V, C) numeric array with M, T >= 1;
- V and C as the model and pipeline expect;
- every coordinate finite;
- at least ``min_valid_frames`` valid (non-zero) frames, one token's worth;
- an integer label in [0, num_classes) where the config classifies.

The numeric part is vectorised: clips of the same (M, V, C) are
concatenated along time in chunks and reduced per frame, then per clip with
``np.add.reduceat``; chunks run on a thread pool (numpy releases the GIL).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
        num_classes: labels must lie in [0, num_classes) (None: labels unchecked).
    """

    num_joints: Optional[int] = None
    num_coords: Optional[int] = None
    min_valid_frames: int = 1
    num_classes: Optional[int] = None


@dataclass(frozen=True)
class BadSample:
    """One annotation that fails the check: its position, name and reason."""

    position: int
    name: str
    reason: str


def sample_identifier(item: dict, position: int) -> str:
    """``frame_dir`` (or ``filename``) of an annotation, else its position."""
    return str(item.get('frame_dir', item.get('filename', f'annotation #{position}')))


def structural_problem(item: dict, requirements: SampleRequirements) -> Optional[str]:
    """Why an annotation's keypoint array or label is unusable, or None."""
    keypoint = item.get('keypoint')
    if not isinstance(keypoint, np.ndarray):
        return 'no "keypoint" array'
    if keypoint.ndim != 4:
        return f'keypoint must be (M, T, V, C), got shape {keypoint.shape}'
    if not np.issubdtype(keypoint.dtype, np.number) or np.iscomplexobj(keypoint):
        return f'keypoint has non-numeric dtype {keypoint.dtype}'
    persons, frames, joints, coords = keypoint.shape
    if persons == 0 or frames == 0:
        return f'keypoint has no {"person" if persons == 0 else "frame"} (shape {keypoint.shape})'
    if requirements.num_joints is not None and joints != requirements.num_joints:
        return f'{joints} joints, the model expects {requirements.num_joints}'
    if requirements.num_coords is not None and coords != requirements.num_coords:
        return f'{coords} coordinates per joint, the model expects {requirements.num_coords}'
    if requirements.num_classes is not None:
        label = item.get('label')
        if not isinstance(label, Integral) or isinstance(label, bool):
            return f'label {label!r} is not an integer class index'
        if not 0 <= label < requirements.num_classes:
            return f'label {label} out of range for {requirements.num_classes} classes'
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


def _chunks(positions: List[int], clips: List[np.ndarray]) -> List[List[int]]:
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


def _numeric_problems(
    clips: Dict[int, np.ndarray], requirements: SampleRequirements, num_threads: int
) -> Dict[int, str]:
    """Non-finite coordinates and too few valid frames, position -> reason."""
    groups: Dict[tuple, List[int]] = {}
    for position, clip in clips.items():
        key = (clip.shape[0], clip.shape[2], clip.shape[3])
        groups.setdefault(key, []).append(position)
    chunks = [chunk for group in groups.values() for chunk in _chunks(group, clips)]

    def check(chunk: List[int]) -> Dict[int, str]:
        valid, non_finite = _frame_counts([clips[position] for position in chunk])
        problems = {}
        for position, num_valid, num_bad in zip(chunk, valid.tolist(), non_finite.tolist()):
            if num_bad:
                problems[position] = _non_finite_reason(clips[position], num_bad)
            elif num_valid < requirements.min_valid_frames:
                problems[position] = (
                    f'{num_valid} valid (non-zero) frame(s), fewer than the '
                    f'{requirements.min_valid_frames} one token needs'
                )
        return problems

    problems: Dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=num_threads) as pool:
        for found in pool.map(check, chunks):
            problems.update(found)
    return problems


def find_bad_samples(
    data_list: Sequence[dict],
    requirements: SampleRequirements,
    num_threads: Optional[int] = None,
) -> List[BadSample]:
    """Every annotation of ``data_list`` that fails ``requirements``, in list order.

    Args:
        data_list: annotations (dicts with ``keypoint`` (M, T, V, C) and ``label``).
        requirements: what each annotation must satisfy.
        num_threads: worker threads for the numeric checks (default: CPU count, at most 8).
    """
    num_threads = num_threads or min(8, os.cpu_count() or 1)
    reasons: Dict[int, str] = {}
    numeric: Dict[int, np.ndarray] = {}
    for position, item in enumerate(data_list):
        problem = structural_problem(item, requirements)
        if problem is None:
            numeric[position] = item['keypoint']
        else:
            reasons[position] = problem
    reasons.update(_numeric_problems(numeric, requirements, num_threads))
    return [
        BadSample(position, sample_identifier(data_list[position], position), reasons[position])
        for position in sorted(reasons)
    ]


def bad_sample_report(bad: Sequence[BadSample], source: str, limit: Optional[int] = None) -> str:
    """Human-readable list, one ``name: reason`` line per bad sample (``limit`` lines at most)."""
    shown = bad if limit is None else bad[:limit]
    lines = [f'{len(bad)} bad sample(s) in {source}:']
    lines += [f'  {sample.name}: {sample.reason}' for sample in shown]
    if len(shown) < len(bad):
        lines.append(f'  ... and {len(bad) - len(shown)} more')
    return '\n'.join(lines)
