"""Pooled MAMP encoder features of a dataset split, for t-SNE, retrieval or other probes.

mmaction2's ``tools/misc/clip_feature_extraction.py`` does not serve: it swaps a
recognizer's ``cls_head`` (a pre-training config has none), reads a video list (pose
annotations are one pickle) and loads with mmengine (not weights-only on torch 2.5). So
only the encoder and the checkpoint's ``backbone.*`` weights are used, and the feature is
the k-NN monitor's (:func:`~mmaction_mamp.evaluation.embed_clips`).
"""

from dataclasses import dataclass
from typing import Iterable, List, Union

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from torch import nn

from ..evaluation import embed_clips
from ..utils.errors import CheckpointError
from .inference import ConfigLike, as_config, load_checkpoint_state, load_weights


@dataclass
class FeatureSet:
    """Features of a split, in dataset order: ``features`` (N, D) float32, ``labels`` (N,)
    int64 (-1 for unlabelled clips) and ``names`` (N,) the clips' ``frame_dir``."""

    features: np.ndarray
    labels: np.ndarray
    names: List[str]

    def save(self, path: str) -> None:
        """Write the three arrays to an ``.npz`` (no pickled objects)."""
        np.savez(path, features=self.features, labels=self.labels, names=np.array(self.names))


def init_encoder_safely(
    config: ConfigLike, checkpoint: str, device: Union[str, torch.device] = 'cpu'
) -> nn.Module:
    """Build ``model.backbone`` of the config and load the checkpoint's ``backbone.*`` weights.

    Raises:
        CheckpointError: no ``backbone.*`` weights (an official MAMP file must be
            converted first), or weights that do not fit the encoder.
    """
    cfg = as_config(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    encoder = MODELS.build(dict(cfg.model.backbone, init_cfg=None))
    prefix = 'backbone.'
    state = load_checkpoint_state(checkpoint)
    weights = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
    if not weights:
        raise CheckpointError(
            f'{checkpoint} has no backbone.* weights; an official MAMP file is converted with '
            'tools/model_converters/mamp2mmaction.py first'
        )
    load_weights(encoder, weights, checkpoint)
    return encoder.to(device).eval()


def extract_features(encoder: nn.Module, dataloader: Iterable[dict]) -> FeatureSet:
    """:func:`~mmaction_mamp.evaluation.embed_clips` of a MAMP encoder over mmaction2 batches
    in dataset order, with the clips' names (``dataset.get_data_info(i)['frame_dir']``)."""
    features, labels = embed_clips(encoder, None, dataloader)
    dataset = dataloader.dataset
    names = [str(dataset.get_data_info(i).get('frame_dir', i)) for i in range(len(dataset))]
    return FeatureSet(features.cpu().numpy(), labels.cpu().numpy().astype(np.int64), names)
