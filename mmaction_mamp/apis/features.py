"""Pooled encoder features of a dataset split, for t-SNE, retrieval or other probes.

The feature of a clip is the linear probe's: the encoder's final-norm output averaged
over persons, temporal tokens and joints
(:func:`~mmaction_mamp.evaluation.pool_encoder_features`), averaged over the test clips
when the pipeline samples several. Only the encoder (``model.backbone`` of any MAMP
config) is built and only ``backbone.*`` weights are read, so pre-training, linear-probe
and fine-tune checkpoints all serve.
"""

import copy
from dataclasses import dataclass
from typing import List, Optional, Union

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch import nn

from ..evaluation import pool_encoder_features
from .inference import (
    ConfigLike,
    as_config,
    load_checkpoint_state,
    load_weights,
    test_pipeline_config,
)

BACKBONE_PREFIX = 'backbone.'
DEFAULT_BATCH_SIZE = 32


@dataclass
class FeatureSet:
    """Features of a split, in dataset order.

    Args:
        features: (N, D) float32.
        labels: (N,) int64 (-1 for unlabelled clips).
        names: (N,) the clips' ``frame_dir``.
    """

    features: np.ndarray
    labels: np.ndarray
    names: List[str]

    def save(self, path: str) -> None:
        """Write ``features``, ``labels`` and ``names`` to an ``.npz`` (no pickled objects)."""
        np.savez(path, features=self.features, labels=self.labels, names=np.array(self.names))


def init_encoder_safely(
    config: ConfigLike, checkpoint: str, device: Union[str, torch.device] = 'cpu'
) -> nn.Module:
    """Build ``model.backbone`` of the config and load the checkpoint's ``backbone.*`` weights.

    Raises:
        ValueError: the checkpoint has no ``backbone.*`` weights (an official MAMP file
            must be converted first) or they do not fit the encoder.
    """
    cfg = as_config(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    backbone_cfg = copy.deepcopy(cfg.model.backbone)
    backbone_cfg.pop('init_cfg', None)
    encoder = MODELS.build(backbone_cfg)
    state = load_checkpoint_state(checkpoint)
    weights = {
        key[len(BACKBONE_PREFIX) :]: value
        for key, value in state.items()
        if key.startswith(BACKBONE_PREFIX)
    }
    if not weights:
        raise ValueError(
            f'{checkpoint} has no backbone.* weights; an official MAMP file is converted with '
            'tools/model_converters/mamp2mmaction.py first'
        )
    load_weights(encoder, weights, checkpoint)
    return encoder.to(device).eval()


def feature_dataloader(
    cfg: Config,
    split: str,
    batch_size: Optional[int] = None,
    num_workers: Optional[int] = None,
    keep_pipeline: bool = False,
):
    """The config's ``<split>_dataloader`` in dataset order, every sample kept.

    Args:
        cfg: the config.
        split: ``'train'``, ``'val'`` or ``'test'``.
        batch_size: clips per batch (default: the loader's, else 32).
        num_workers: worker processes (default: the loader's).
        keep_pipeline: keep the loader's own pipeline (random crops and rotations of a
            training loader included); by default the test pipeline gives every split the
            deterministic test view.

    Raises:
        ValueError: the config has no such dataloader (or no test pipeline).
    """
    loader = cfg.get(f'{split}_dataloader')
    if not loader:
        raise ValueError(f'the config has no {split}_dataloader')
    loader = copy.deepcopy(loader)
    loader.pop('batch_sampler', None)
    loader.update(
        sampler=dict(type='DefaultSampler', shuffle=False),
        batch_size=batch_size or loader.get('batch_size') or DEFAULT_BATCH_SIZE,
        drop_last=False,
    )
    if num_workers is not None:
        loader.update(num_workers=num_workers, persistent_workers=num_workers > 0)
    if not keep_pipeline:
        loader.dataset.pipeline = test_pipeline_config(cfg)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    return Runner.build_dataloader(loader)


@torch.no_grad()
def extract_features(encoder: nn.Module, dataloader) -> FeatureSet:
    """Pooled features, labels and names of every clip of ``dataloader`` (in order).

    Args:
        encoder: a MAMP encoder, (N, M, T, V, C) -> (N, M, D, TP, VP).
        dataloader: yields mmaction2 batches: ``inputs`` a list of (num_clips, M, T, V, C)
            tensors, ``data_samples`` with ``gt_label``; its sampler must keep the dataset
            order (:func:`feature_dataloader`).
    """
    device = next(encoder.parameters()).device
    features, labels = [], []
    for batch in dataloader:
        clips = torch.stack(batch['inputs']).to(device=device, dtype=torch.float32)
        num_samples, num_clips = clips.shape[:2]
        pooled = pool_encoder_features(encoder(clips.flatten(0, 1)))
        features.append(pooled.view(num_samples, num_clips, -1).mean(dim=1).cpu())
        labels += [int(sample.gt_label) for sample in batch['data_samples']]
    dataset = dataloader.dataset
    names = [
        str(dataset.get_data_info(index).get('frame_dir', index)) for index in range(len(dataset))
    ]
    return FeatureSet(torch.cat(features).numpy(), np.array(labels, dtype=np.int64), names)
