"""Whether a skeleton clip is usable: the one data check of a run, before iteration 1.

:func:`summarize_clips` reads every clip once, vectorised; :func:`bad_clips` gives every
clip failing :class:`ClipRequirements` with its reason. :class:`ClipCheckMixin` applies it
when a dataset loads, :func:`check_dataloader` (the data check hook, the k-NN monitor)
against the model: its joints, the head's classes, and one dry run of the pipeline.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from numbers import Integral
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.dist import get_rank
from mmengine.logging import print_log

from ..utils.atomic_file import atomic_write_bytes
from ..utils.errors import DataCheckError
from ..utils.random_state import preserved_random_state

CHUNK_FRAMES = 1 << 16  # person-frames summed per chunk (~30 MB of float32 NTU joints)
#: Largest coordinate magnitude accepted: metres, millimetres and pixels stay far below;
#: finite values near float32's limit (3.4e38) overflow to inf in a transform or the model.
MAX_COORDINATE = 1e6
REPORT_LIMIT = 50  # bad clips listed in a message (the skip list file has all)
ENCODER_ATTRIBUTES = ('num_frames', 'num_joints', 'in_channels', 'num_tokens')


@dataclass(frozen=True)
class ClipRequirements:
    """What every clip must satisfy: ``num_joints`` V and ``num_coords`` C (None: the layout
    most clips have), ``min_valid_frames`` valid (non-zero) frames, labels in [0,
    ``num_classes``) and present if ``labels_required`` (or ``num_classes`` is set)."""

    num_joints: Optional[int] = None
    num_coords: Optional[int] = None
    min_valid_frames: int = 1
    num_classes: Optional[int] = None
    labels_required: bool = False


class BadClip(NamedTuple):
    """One clip that fails the check: its position, name and reason."""

    position: int
    name: str
    reason: str


@dataclass
class ClipSummary:
    """What the check needs of every clip, in list order: ``names`` (``frame_dir`` or
    ``filename``), ``shapes`` (N, 4) int (M, T, V, C) (-1 rows: malformed), ``valid_frames``
    (N,) frames of non-zero coordinate sum, raw ``labels`` (None where absent), and
    ``malformed``: position -> reason, for clips unusable whatever the requirements."""

    names: List[str]
    shapes: np.ndarray
    valid_frames: np.ndarray
    labels: list
    malformed: Dict[int, str] = field(default_factory=dict)

    def layout(self) -> Tuple[Optional[int], Optional[int]]:
        """The (V, C) most well-formed clips have, (None, None) when none is well-formed."""
        usable = self.shapes[self.shapes[:, 0] >= 0, 2:]
        if not len(usable):
            return None, None
        return Counter(map(tuple, usable.tolist())).most_common(1)[0][0]

    def subset(self, positions: Sequence[int]) -> ClipSummary:
        """The summary of the well-formed clips at ``positions``, renumbered from 0."""
        names, labels = [self.names[i] for i in positions], [self.labels[i] for i in positions]
        return ClipSummary(names, self.shapes[positions], self.valid_frames[positions], labels)


def clip_name(item: dict, position: Optional[int] = None) -> str:
    """``frame_dir`` (or ``filename``) of a clip, else its position."""
    fallback = f'annotation #{position}' if position is not None else '<unnamed clip>'
    return str(item.get('frame_dir', item.get('filename', fallback)))


def _malformed_reason(item: dict) -> Optional[str]:
    """Why a clip's arrays are unusable whatever the requirements, or None."""
    keypoint = item.get('keypoint')
    if not isinstance(keypoint, np.ndarray):
        return 'no "keypoint" array'
    if keypoint.ndim != 4:
        return f'keypoint must be (M, T, V, C), got shape {keypoint.shape}'
    if not np.issubdtype(keypoint.dtype, np.number) or np.iscomplexobj(keypoint):
        return f'keypoint has non-numeric dtype {keypoint.dtype}'
    if 0 in keypoint.shape[:2]:
        return (
            f'keypoint has no {"person" if keypoint.shape[0] == 0 else "frame"} ({keypoint.shape})'
        )
    score = item.get('keypoint_score')
    if score is not None and np.shape(score) != keypoint.shape[:3]:
        return f'keypoint_score has shape {np.shape(score)}, expected {keypoint.shape[:3]}'
    if score is not None and not np.isfinite(score).all():
        return 'keypoint_score holds non-finite values'
    return None


def _out_of_bounds_reason(clip: np.ndarray) -> str:
    """Why a clip's coordinates are non-finite or beyond ±``MAX_COORDINATE``."""
    finite = np.isfinite(clip).all(axis=(0, 2, 3))
    if not finite.all():
        first = np.flatnonzero(~finite)[0]
        return (
            f'non-finite coordinates in {np.count_nonzero(~finite)} frame(s), first frame {first}'
        )
    huge = np.flatnonzero((np.abs(clip) > MAX_COORDINATE).any(axis=(0, 2, 3)))
    return (
        f'coordinates beyond ±{MAX_COORDINATE:g} in {huge.size} frame(s), first frame {huge[0]} '
        '(a transform or the model would overflow to inf)'
    )


def _count_chunk(clips: List[np.ndarray]) -> Tuple[np.ndarray, Dict[int, str]]:
    """Valid frames (len(clips),) of clips sharing (M, V, C), and index -> out-of-bound reason."""
    starts = np.cumsum([0] + [clip.shape[1] for clip in clips[:-1]])
    frames = np.concatenate(clips, axis=1)  # (M, sum T, V, C)
    with np.errstate(over='ignore', invalid='ignore'):
        per_frame_sum = frames.sum(axis=(0, 2, 3))  # (sum T,)
        valid = np.add.reduceat((per_frame_sum != 0).astype(np.int64), starts)
        if frames.min() >= -MAX_COORDINATE and frames.max() <= MAX_COORDINATE:  # NaN: False
            return valid, {}
        bound = np.abs(frames).max(axis=(0, 2, 3))  # only for chunks holding a bad clip
    bad = np.add.reduceat((~(bound <= MAX_COORDINATE)).astype(np.int64), starts)
    return valid, {i: _out_of_bounds_reason(clips[i]) for i in np.flatnonzero(bad).tolist()}


def summarize_clips(data_list: Sequence[dict], num_threads: Optional[int] = None) -> ClipSummary:
    """Read every clip of ``data_list`` once: clips of one (M, V, C) concatenated along time in
    chunks, reduced per frame, then per clip (``np.add.reduceat``), on a thread pool.

    Args:
        data_list: annotations (dicts with ``keypoint`` (M, T, V, C) and ``label``).
        num_threads: worker threads for the frame counts (default: CPU count, at most 8).
    """
    shapes = np.full((len(data_list), 4), -1, dtype=np.int64)
    malformed: Dict[int, str] = {}
    groups: Dict[tuple, List[int]] = {}
    for position, item in enumerate(data_list):
        reason = _malformed_reason(item)
        if reason is None:
            shapes[position] = shape = item['keypoint'].shape
            groups.setdefault((shape[0],) + shape[2:], []).append(position)
        else:
            malformed[position] = reason
    chunks = []
    for group in map(np.array, groups.values()):
        chunk_of = (np.cumsum(shapes[group, 0] * shapes[group, 1]) - 1) // CHUNK_FRAMES
        chunks += np.split(group, np.flatnonzero(np.diff(chunk_of)) + 1)
    valid_frames = np.zeros(len(data_list), dtype=np.int64)
    with ThreadPoolExecutor(num_threads or min(8, os.cpu_count() or 1)) as pool:
        counts = pool.map(lambda c: _count_chunk([data_list[i]['keypoint'] for i in c]), chunks)
        for chunk, (valid, reasons) in zip(chunks, counts):
            valid_frames[chunk] = valid
            malformed.update({int(chunk[i]): reason for i, reason in reasons.items()})
    shapes[list(malformed)] = -1
    names = [clip_name(item, i) for i, item in enumerate(data_list)]
    labels = [item.get('label') for item in data_list]
    return ClipSummary(names, shapes, valid_frames, labels, malformed)


def _label_problem(label, requirements: ClipRequirements) -> Optional[str]:
    if label is None:
        needed = requirements.labels_required or requirements.num_classes is not None
        return 'no label (unlabelled clip), but labels are needed here' if needed else None
    if not isinstance(label, Integral) or isinstance(label, bool):
        return f'label {label!r} is not an integer class index'
    if label < 0:
        return f'label {label} is negative'
    if requirements.num_classes is not None and label >= requirements.num_classes:
        return f'label {label} out of range for {requirements.num_classes} classes'
    return None


def bad_clips(summary: ClipSummary, requirements: ClipRequirements) -> List[BadClip]:
    """Every clip of ``summary`` that fails ``requirements``, in list order, one reason each.

    Unstated joints / coordinates default to the layout most clips have.
    """
    reasons = dict(summary.malformed)
    joints, coords = summary.layout()
    checks = (
        (requirements.num_joints or joints, 2, '{} joints, the model expects {}'),
        (requirements.num_coords or coords, 3, '{} coordinates per joint, the model expects {}'),
    )
    for expected, axis, template in checks:
        found = summary.shapes[:, axis]
        for position in np.flatnonzero((found >= 0) & (found != expected)).tolist():
            reasons.setdefault(position, template.format(found[position], expected))
    for position in np.flatnonzero(summary.valid_frames < requirements.min_valid_frames).tolist():
        reasons.setdefault(
            position,
            f'{summary.valid_frames[position]} valid (non-zero) frame(s), fewer than the '
            f'{requirements.min_valid_frames} one token needs',
        )
    for position, label in enumerate(summary.labels):
        problem = position not in reasons and _label_problem(label, requirements)
        if problem:
            reasons[position] = problem
    return [BadClip(i, summary.names[i], reasons[i]) for i in sorted(reasons)]


def clip_report(bad: Sequence[BadClip], source: str, verb: str = '') -> str:
    """``[VERB] N bad sample(s) in SOURCE:``, then ``name: reason`` per clip (``REPORT_LIMIT``)."""
    lines = [f'{verb} {len(bad)} bad sample(s) in {source}:'.strip()]
    lines += [f'  {clip.name}: {clip.reason}' for clip in bad[:REPORT_LIMIT]]
    if len(bad) > REPORT_LIMIT:
        lines.append(f'  ... and {len(bad) - REPORT_LIMIT} more')
    return '\n'.join(lines)


def dataset_source(dataset) -> str:
    """The annotation file and split of a dataset, else its class name."""
    source = getattr(dataset, 'ann_file', None) or type(dataset).__name__
    split = getattr(dataset, 'split', None)
    return source if split is None else f'{source} (split {split!r})'


def pipeline_min_valid_frames(pipeline) -> int:
    """The most valid frames any step of a built pipeline needs (``min_valid_frames``)."""
    steps = getattr(pipeline, 'transforms', None) or []
    return max([getattr(step, 'min_valid_frames', 1) for step in steps] + [1])


class ClipCheckMixin:
    """Check every clip in ``filter_data`` (mmengine's override point after loading) against
    ``sample_requirements`` (:class:`ClipRequirements` fields; the class count defaults to
    the dataset's ``num_classes``). A bad clip stops the run with every bad clip and its
    reason listed; with ``skip_bad_samples=True`` every bad clip is dropped whatever its
    reason, listed in ``bad_sample_file`` (``name<TAB>reason`` lines) and counted in the
    log. The summary is kept as ``clip_summary``."""

    def __init__(
        self,
        *args,
        sample_requirements: Optional[dict] = None,
        skip_bad_samples: bool = False,
        bad_sample_file: Optional[str] = None,
        **kwargs,
    ) -> None:
        self.sample_requirements = ClipRequirements(**(sample_requirements or {}))
        self.skip_bad_samples = skip_bad_samples
        self.bad_sample_file = bad_sample_file
        self.clip_summary: Optional[ClipSummary] = None
        super().__init__(*args, **kwargs)

    def filter_data(self) -> List[dict]:
        """mmengine's (and the parent's) filtering, then the clip check."""
        data_list, source = super().filter_data(), dataset_source(self)
        if not data_list:
            raise DataCheckError(f'{source}: the annotation list is empty')
        stated = self.sample_requirements
        requirements = replace(
            stated,
            min_valid_frames=max(stated.min_valid_frames, pipeline_min_valid_frames(self.pipeline)),
            num_classes=stated.num_classes or getattr(self, 'num_classes', None),
        )
        summary = summarize_clips(data_list)
        bad = bad_clips(summary, requirements)
        if bad and not self.skip_bad_samples:
            key = 'val_dataloader' if self.test_mode else 'train_dataloader'
            raise DataCheckError(
                clip_report(bad, source) + '\nFix or remove them, or train on the rest with '
                f'skip mode (--cfg-options {key}.dataset.skip_bad_samples=True).'
            )
        if bad:
            kept = sorted(set(range(len(data_list))) - {clip.position for clip in bad})
            if not kept:
                raise DataCheckError(clip_report(bad, source) + '\nEvery clip is bad: none left.')
            if self.bad_sample_file and get_rank() == 0:
                lines = ''.join(f'{clip.name}\t{clip.reason}\n' for clip in bad)
                atomic_write_bytes(self.bad_sample_file, lines.encode())
            listed = f' (all listed in {self.bad_sample_file})' if self.bad_sample_file else ''
            report = clip_report(bad, source + listed, 'Skip mode: dropped')
            print_log(report, logger='current', level=logging.WARNING)
            data_list, summary = [data_list[i] for i in kept], summary.subset(kept)
        self.clip_summary = summary
        print_log(
            f'Pre-flight check of {source}: {len(data_list) + len(bad)} samples, '
            f'{len(bad)} skipped',
            logger='current',
        )
        return data_list


# --- the data against the model (SkeletonDataCheckHook, KNNMonitorHook) ----------------------


def leaf_datasets(dataset) -> Iterator:
    """The datasets holding clips behind ``dataset``, looking through ``ConcatDataset``-
    (``datasets``) and ``RepeatDataset``-style (``dataset``) wrappers."""
    inner = getattr(dataset, 'datasets', None)
    wrapped = getattr(dataset, 'dataset', None)
    if isinstance(inner, (list, tuple)):
        for part in inner:
            yield from leaf_datasets(part)
    elif wrapped is not None and wrapped is not dataset:
        yield from leaf_datasets(wrapped)
    else:
        yield dataset


def _summary_of(dataset) -> Optional[ClipSummary]:
    """The summary the dataset kept at load (if it still matches), else one made now."""
    summary = getattr(dataset, 'clip_summary', None)
    if summary is not None and len(summary.names) == len(dataset):
        return summary
    if not hasattr(dataset, 'get_data_info'):
        return None
    return summarize_clips([dataset.get_data_info(i) for i in range(len(dataset))])


def _dry_run_problems(dataset, encoder, index: int, name: str) -> List[str]:
    """Problems of one clip's pipeline output against the encoder."""
    try:
        with preserved_random_state():
            packed = pseudo_collate([dataset[index]])
    except Exception as exc:
        return [f'the pipeline fails on {name}: {type(exc).__name__}: {exc}']
    inputs = packed['inputs'][0]
    if encoder is None or not torch.is_tensor(inputs) or inputs.dim() < 3:
        return []
    frames, joints, channels = inputs.shape[-3:]
    expected = (
        ('frames', frames, encoder.num_frames, 'model.backbone.num_frames and the crop clip_len'),
        ('joints', joints, encoder.num_joints, 'model.backbone.num_joints'),
        ('channels', channels, encoder.in_channels, 'model.backbone.in_channels'),
    )
    problems = [
        f'the pipeline gives clips of {found} {what}, the encoder expects {wanted}: make '
        f'{key} and the data agree'
        for what, found, wanted, key in expected
        if found != wanted
    ]
    sample = packed['data_samples'][0]
    tokens = torch.as_tensor(sample.mask).shape[-1] if 'mask' in sample else encoder.num_tokens
    if not problems and tokens != encoder.num_tokens:
        problems.append(
            f'MotionAwareMasking gives {tokens} tokens per person, the encoder has '
            f"{encoder.num_tokens}: use the encoder's temporal_patch_size / "
            'spatial_patch_size in the masking step'
        )
    return problems


def _model_problems(
    dataset, summary: ClipSummary, encoder, requirements: ClipRequirements, name: str
) -> List[str]:
    """The clips against the model; a joint count no clip shares with the model is one line."""
    where = f'{name}: {dataset_source(dataset)}'
    joints = encoder.num_joints if encoder is not None else summary.layout()[0]
    found = summary.shapes[summary.shapes[:, 0] >= 0, 2]
    if len(found) and (found != joints).all():
        return [
            f'{where}: the clips have {" / ".join(map(str, sorted(set(found.tolist()))))} '
            f'joints, the model expects {joints} (model.backbone.num_joints): state the joint '
            'layout once in the config and let every part use it (docs/custom_data.md)'
        ]
    requirements = replace(
        requirements,
        num_joints=joints,
        min_valid_frames=pipeline_min_valid_frames(getattr(dataset, 'pipeline', None)),
    )
    bad = bad_clips(summary, requirements)
    if bad:
        stated = {k: v for k, v in vars(requirements).items() if k != 'min_valid_frames' and v}
        hint = (
            f'\nTo skip them, state what the model needs on the dataset: --cfg-options '
            f'{name}.dataset.sample_requirements="{stated}" {name}.dataset.skip_bad_samples=True'
        )
        return [clip_report(bad, where) + (hint if hasattr(dataset, 'skip_bad_samples') else '')]
    labels = [label for label in summary.labels if label is not None]
    if requirements.num_classes and labels and max(labels) + 1 < requirements.num_classes:
        print_log(
            f'{where}: the labels reach {max(labels)} ({max(labels) + 1} classes), the head has '
            f'num_classes={requirements.num_classes}: if the data has {max(labels) + 1} '
            f'classes, set model.cls_head.num_classes={max(labels) + 1}',
            logger='current',
            level=logging.WARNING,
        )
    return []


def check_dataloader(model, dataloader, name: str, labels_required: bool) -> None:
    """Check every dataset behind ``dataloader`` against ``model`` (module docstring).

    Args:
        model: the runner's model, unwrapped.
        dataloader: a built dataloader.
        name: its config key, for messages (e.g. ``'train_dataloader'``).
        labels_required: whether this loader's labels are used (classifier, k-NN).

    Raises:
        DataCheckError: listing every problem found.
    """
    encoder = getattr(model, 'backbone', None)
    if not all(hasattr(encoder, attribute) for attribute in ENCODER_ATTRIBUTES):
        encoder = None
    head_classes = getattr(getattr(model, 'cls_head', None), 'num_classes', None)
    requirements = ClipRequirements(
        num_classes=head_classes if labels_required else None, labels_required=labels_required
    )
    messages = []
    for dataset in leaf_datasets(dataloader.dataset):
        where = f'{name}: {dataset_source(dataset)}'
        if len(dataset) == 0:
            messages.append(f'{where}: the dataset is empty')
            continue
        summary, first, clip = _summary_of(dataset), 0, 'sample 0'
        if summary is not None:
            problems = _model_problems(dataset, summary, encoder, requirements, name)
            messages += problems
            if problems:
                continue
            first = int(np.argmax(summary.shapes[:, 0] >= 0))
            clip = summary.names[first]
        messages += [f'{where}: {p}' for p in _dry_run_problems(dataset, encoder, first, clip)]
    if messages:
        raise DataCheckError('\n'.join(messages))
