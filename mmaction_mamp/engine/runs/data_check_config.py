"""Point every dataloader's dataset at the pre-flight check, with what the config expects.

The check itself runs when each dataset loads its annotations
(:class:`~mmaction_mamp.datasets.preflight_mixin.PreflightCheckMixin`),
i.e. while the runner builds its dataloaders, before the first iteration.
This module derives the requirements from the config: joints and
coordinates from the backbone, one token's frames from the backbone's
temporal patch size and the pipeline's ``min_valid_frames``, the class count
from a classification head.
"""

from __future__ import annotations

import inspect
import logging
import os.path as osp
from typing import Any, Optional

from mmaction.registry import DATASETS, MODELS, TRANSFORMS
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log

from ...datasets.preflight_mixin import PreflightCheckMixin

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def component_setting(component: Optional[dict], key: str, registry) -> Any:
    """``component[key]``, else the default of the registered class's argument, else None."""
    if not isinstance(component, dict):
        return None
    if key in component:
        return component[key]
    cls = registry.get(component.get('type')) if isinstance(component.get('type'), str) else None
    if cls is None:
        return None
    parameter = inspect.signature(cls.__init__).parameters.get(key)
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    return parameter.default


def sample_requirements(cfg: Config, pipeline: list) -> dict:
    """The ``SampleRequirements`` fields the config's model and ``pipeline`` imply."""
    model = cfg.get('model') or {}
    backbone = model.get('backbone')
    token_frames = [component_setting(backbone, 'temporal_patch_size', MODELS) or 1]
    token_frames += [
        component_setting(transform, 'min_valid_frames', TRANSFORMS) or 1
        for transform in pipeline or []
    ]
    return dict(
        num_joints=component_setting(backbone, 'num_joints', MODELS),
        num_coords=component_setting(backbone, 'in_channels', MODELS),
        min_valid_frames=max(token_frames),
        num_classes=component_setting(model.get('cls_head'), 'num_classes', MODELS),
    )


def _supports_check(dataset: dict) -> bool:
    cls = DATASETS.get(dataset.get('type')) if isinstance(dataset.get('type'), str) else None
    return isinstance(cls, type) and issubclass(cls, PreflightCheckMixin)


def configure_data_checks(cfg: Config, skip_bad_samples: bool = False) -> None:
    """Give every dataloader dataset that supports it the pre-flight settings.

    Args:
        cfg: the run's config (``work_dir`` set); edited in place.
        skip_bad_samples: skip mode (also enabled by a top-level
            ``skip_bad_samples = True`` in the config): bad annotations are
            listed in ``work_dir/bad_samples_<dataloader>.tsv`` and left out.
    """
    skip = skip_bad_samples or bool(cfg.get('skip_bad_samples', False))
    for name in DATALOADERS:
        loader = cfg.get(name)
        dataset = loader.get('dataset') if isinstance(loader, dict) else None
        if not isinstance(dataset, dict):
            continue
        if not _supports_check(dataset):
            print_log(
                f'{name}: dataset type {dataset.get("type")} has no pre-flight data check '
                '(use SafePoseDataset)',
                logger='current',
                level=logging.WARNING,
            )
            continue
        requirements = sample_requirements(cfg, dataset.get('pipeline'))
        requirements.update(dataset.get('sample_requirements') or {})
        dataset['sample_requirements'] = ConfigDict(requirements)
        dataset['skip_bad_samples'] = skip
        dataset['bad_sample_file'] = osp.join(cfg.work_dir, f'bad_samples_{name}.tsv')
