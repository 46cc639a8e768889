"""Check a dataloader's skeletons against the model before the first iteration.

For every dataset behind a dataloader (wrappers such as ``RepeatDataset`` and
``ConcatDataset`` are looked through):

1. **Dry run.** Its first sample goes through the pipeline (random state preserved).
   The clip it yields, (clips, M, T, V, C), must fit the encoder (T frames, V joints,
   C channels) and a pre-training mask must have the encoder's token count. A pipeline
   that fails on it is reported with the sample.
2. **Every clip.** All clips must have the first clip's joints and coordinates, finite
   coordinates, one token's worth of valid frames (the most any pipeline step needs),
   and, where labels are used, an integer label in range. The per-clip summary is the
   one ``SafePoseDataset`` made when it loaded, or is made here for other datasets.

Problems are raised together as one :class:`DataCheckError`; a layout mismatch shared
by every clip is one line saying which config value to change.
"""

from __future__ import annotations

from typing import Iterator, List, Optional

import torch
from mmengine.dataset import pseudo_collate

from ..datasets.sample_checks import (
    ClipSummary,
    SampleRequirements,
    bad_sample_report,
    bad_samples_of,
    pipeline_min_valid_frames,
    summarize_clips,
)
from ..utils.errors import DataCheckError
from ..utils.random_state import preserved_random_state
from .checkpoints import unwrap

REPORT_LIMIT = 50
ENCODER_ATTRIBUTES = ('num_frames', 'num_joints', 'in_channels', 'num_tokens')


def leaf_datasets(dataset) -> Iterator:
    """The datasets holding samples behind ``dataset`` (dataset wrappers looked through)."""
    inner = getattr(dataset, 'datasets', None)
    if isinstance(inner, (list, tuple)):
        for part in inner:
            yield from leaf_datasets(part)
        return
    wrapped = getattr(dataset, 'dataset', None) or getattr(dataset, '_dataset', None)
    if wrapped is not None and wrapped is not dataset:
        yield from leaf_datasets(wrapped)
        return
    yield dataset


def dataset_source(dataset) -> str:
    """The annotation file and split of a dataset, else its class name."""
    source = getattr(dataset, 'ann_file', None) or type(dataset).__name__
    split = getattr(dataset, 'split', None)
    return source if split is None else f'{source} (split {split!r})'


def clip_summary(dataset) -> Optional[ClipSummary]:
    """The dataset's per-clip summary (made now when it kept none); None if it has no clips."""
    summary = getattr(dataset, 'clip_summary', None)
    if summary is not None:
        return summary
    if not hasattr(dataset, 'get_data_info'):
        return None
    return summarize_clips([dataset.get_data_info(i) for i in range(len(dataset))])


def skeleton_encoder(model):
    """The model's MAMP-style encoder (with the token geometry attributes), or None."""
    backbone = getattr(unwrap(model), 'backbone', None)
    return backbone if all(hasattr(backbone, a) for a in ENCODER_ATTRIBUTES) else None


def _dry_run_problems(dataset, encoder, index: int) -> List[str]:
    """Problems of one sample's pipeline output against the encoder."""
    name = f'sample {index}'
    if hasattr(dataset, 'get_data_info'):
        name = dataset.get_data_info(index).get('frame_dir', name)
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
    if not problems and 'mask' in sample:
        tokens = torch.as_tensor(sample.mask).shape[-1]
        if tokens != encoder.num_tokens:
            problems.append(
                f'MotionAwareMasking gives {tokens} tokens per person, the encoder has '
                f"{encoder.num_tokens}: use the encoder's temporal_patch_size / "
                'spatial_patch_size in the masking step'
            )
    return problems


def _clip_problems(
    dataset, summary: ClipSummary, encoder, num_classes, labels_required: bool
) -> List[str]:
    """Per-clip problems; a joint count shared by every clip but not the model's is one line."""
    usable = summary.shapes[:, 2] >= 0
    if not usable.any():
        return [bad_sample_report(bad_samples_of(summary, SampleRequirements()), 'the clips')]
    first_joints, first_coords = summary.shapes[usable][0, 2:].tolist()
    joints = encoder.num_joints if encoder is not None else first_joints
    if (summary.shapes[usable, 2] != joints).all():
        found = sorted(set(summary.shapes[usable, 2].tolist()))
        return [
            f'the clips have {" / ".join(map(str, found))} joints, the model expects {joints} '
            '(model.backbone.num_joints): state the joint layout once in the config and let '
            'every part use it (docs/custom_data.md)'
        ]
    requirements = SampleRequirements(
        num_joints=joints,
        num_coords=first_coords,
        min_valid_frames=pipeline_min_valid_frames(getattr(dataset, 'pipeline', None)),
        num_classes=num_classes,
        labels_required=labels_required,
    )
    bad = bad_samples_of(summary, requirements)
    return [bad_sample_report(bad, 'the clips', REPORT_LIMIT)] if bad else []


def check_dataloader(model, dataloader, name: str, labels_required: bool) -> None:
    """Check every dataset behind ``dataloader`` (see the module docstring).

    Args:
        model: the runner's model (possibly wrapped).
        dataloader: a built dataloader.
        name: its config key, for messages (e.g. ``'train_dataloader'``).
        labels_required: whether this loader's labels are used (classifier, k-NN).

    Raises:
        DataCheckError: listing every problem found.
    """
    encoder = skeleton_encoder(model)
    cls_head = getattr(unwrap(model), 'cls_head', None)
    num_classes = getattr(cls_head, 'num_classes', None) if labels_required else None
    messages = []
    for dataset in leaf_datasets(dataloader.dataset):
        if len(dataset) == 0:
            messages.append(f'{name}: {dataset_source(dataset)}: the dataset is empty')
            continue
        summary = clip_summary(dataset)
        problems, first = [], 0
        if summary is not None:
            problems = _clip_problems(dataset, summary, encoder, num_classes, labels_required)
            usable = (summary.shapes[:, 2] >= 0).nonzero()[0]
            first = int(usable[0]) if len(usable) else 0
        if not problems:
            problems = _dry_run_problems(dataset, encoder, first)
        messages += [f'{name}: {dataset_source(dataset)}: {problem}' for problem in problems]
    if messages:
        raise DataCheckError('\n'.join(messages))
