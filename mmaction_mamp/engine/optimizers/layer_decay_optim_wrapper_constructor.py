"""Layer-wise learning-rate decay for ViT-style encoders (spec §5, "Fine-tune")."""

import re
from typing import Dict, List, Optional, Tuple

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

EMBEDDING_NAMES = frozenset({'joints_embed', 'pos_embed', 'temp_embed'})
_BLOCK_INDEX = re.compile(r'(?:^|\.)blocks\.(\d+)\.')
_ALLOWED_KEYS = frozenset({'layer_decay_rate', 'num_layers'})


def get_layer_id(name: str, num_layers: int) -> int:
    """Layer index of a parameter for layer-wise decay.

    Embeddings (a name segment ``joints_embed``, ``pos_embed`` or
    ``temp_embed``) are layer 0, ``blocks.<i>.*`` is layer ``i + 1``, every
    other parameter (final norm, heads, a decoder) is ``num_layers + 1``.
    Whole segments are compared, so ``decoder_pos_embed`` or
    ``decoder_blocks.0`` belong to the last layer.

    Args:
        name: Full parameter name, e.g. ``backbone.blocks.3.attn.qkv.weight``.
        num_layers: Number of transformer blocks (encoder depth).
    """
    if EMBEDDING_NAMES.intersection(name.split('.')):
        return 0
    block = _BLOCK_INDEX.search(name)
    if block is not None:
        return int(block.group(1)) + 1
    return num_layers + 1


def count_blocks(model: nn.Module) -> int:
    """Encoder depth: number of distinct ``blocks.<i>`` indices in ``model``."""
    indices = set()
    for name, _ in model.named_parameters():
        block = _BLOCK_INDEX.search(name)
        if block is not None:
            indices.add(int(block.group(1)))
    return len(indices)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Optimizer wrapper with layer-wise lr decay and no decay on 1-D params.

    With encoder depth ``L`` and rate ``r``, a parameter of layer ``l`` (see
    :func:`get_layer_id`) gets ``lr = base_lr * r ** (L + 1 - l)``: the
    head and final norm train at ``base_lr``, block ``i`` at
    ``base_lr * r ** (L - i)``, the embeddings at ``base_lr * r ** (L + 1)``.
    One-dimensional parameters (biases, norm weights) get weight decay 0,
    all others the optimizer's ``weight_decay``. Frozen parameters
    (``requires_grad=False``) are left out. One param group per
    (layer, decay / no decay) pair; the groups are logged.

    Use from a config::

        optim_wrapper = dict(
            type='OptimWrapper',
            constructor='LayerDecayOptimWrapperConstructor',
            optimizer=dict(type='AdamW', lr=5e-4, weight_decay=0.05),
            paramwise_cfg=dict(layer_decay_rate=0.8))

    Param schedulers scale each group from its own initial lr, so warm-up and
    cosine keep the per-layer ratios (use ``eta_min_ratio`` rather than
    ``eta_min`` to scale the floor per layer as well).

    Args:
        optim_wrapper_cfg: Optimizer wrapper config with an ``optimizer``.
        paramwise_cfg: ``layer_decay_rate`` (float in (0, 1], required) and
            optionally ``num_layers`` (encoder depth; counted from the
            ``blocks.<i>`` parameters when left out).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None) -> None:
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        unknown = set(self.paramwise_cfg) - _ALLOWED_KEYS
        if unknown:
            raise ValueError(
                f'LayerDecayOptimWrapperConstructor: unsupported paramwise_cfg keys '
                f'{sorted(unknown)}; allowed: {sorted(_ALLOWED_KEYS)}'
            )
        if 'layer_decay_rate' not in self.paramwise_cfg:
            raise ValueError(
                'LayerDecayOptimWrapperConstructor needs paramwise_cfg.layer_decay_rate'
            )
        self.layer_decay_rate = float(self.paramwise_cfg['layer_decay_rate'])
        if not 0.0 < self.layer_decay_rate <= 1.0:
            raise ValueError(f'layer_decay_rate must be in (0, 1], got {self.layer_decay_rate}')
        if self.base_lr is None:
            raise ValueError('LayerDecayOptimWrapperConstructor needs optimizer.lr')

    def _num_layers(self, module: nn.Module) -> int:
        num_layers = self.paramwise_cfg.get('num_layers')
        if num_layers is None:
            num_layers = count_blocks(module)
        if num_layers < 1:
            raise ValueError(
                'LayerDecayOptimWrapperConstructor found no parameters named like '
                "'blocks.<i>.*'; set paramwise_cfg.num_layers to the encoder depth"
            )
        return int(num_layers)

    def add_params(self, params: List[dict], module: nn.Module, **kwargs) -> None:
        """Append one param group per (layer, decay / no decay) to ``params``.

        Args:
            params: Param groups, extended in place.
            module: The whole model.
        """
        num_layers = self._num_layers(module)
        base_wd = self.base_wd or 0.0
        groups: Dict[Tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer_id = get_layer_id(name, num_layers)
            decay = param.ndim > 1
            key = (layer_id, decay)
            if key not in groups:
                scale = self.layer_decay_rate ** (num_layers + 1 - layer_id)
                groups[key] = dict(
                    params=[],
                    param_names=[],
                    lr=self.base_lr * scale,
                    weight_decay=base_wd if decay else 0.0,
                )
            groups[key]['params'].append(param)
            groups[key]['param_names'].append(name)

        for layer_id, decay in sorted(groups):
            group = groups[(layer_id, decay)]
            names = group.pop('param_names')
            print_log(
                f'layer_decay group layer_{layer_id}_{"decay" if decay else "no_decay"}: '
                f'lr={group["lr"]:.4g} (scale {group["lr"] / self.base_lr:.4g}), '
                f'weight_decay={group["weight_decay"]:.4g}, {len(names)} params: '
                + ', '.join(names),
                logger='current',
            )
            params.append(group)
