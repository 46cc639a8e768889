"""Optimizer-wrapper constructors: layer-wise lr decay (the official MAMP fine-tuning recipe)."""

from typing import Dict, List, Optional, Tuple

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Layer-wise lr decay, no weight decay on 1-D parameters (biases, norms), frozen ones out.

    The backbone answers ``get_layer_depth(name, prefix='backbone.') -> (layer, num_layers)``
    (mmpretrain's protocol; ``MAMPTransformer``); layer ``l`` gets ``lr = base_lr * r **
    (num_layers - 1 - l)``. One param group per (layer, decay / no decay), each logged;
    schedulers scale each from its own initial lr. ``paramwise_cfg=dict(layer_decay_rate=r)``
    with r in (0, 1] is required, nothing else allowed.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None) -> None:
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        unknown = sorted(set(self.paramwise_cfg) - {'layer_decay_rate'})
        self.layer_decay_rate = float(self.paramwise_cfg.get('layer_decay_rate', 0))
        problem = (
            f"unsupported paramwise_cfg keys {unknown}; allowed: ['layer_decay_rate']" if unknown
            else f'needs paramwise_cfg.layer_decay_rate in (0, 1], got {self.layer_decay_rate}'
            if not 0.0 < self.layer_decay_rate <= 1.0
            else 'needs optimizer.lr' if self.base_lr is None
            else None
        )  # fmt: skip
        if problem:
            raise ValueError(f'LayerDecayOptimWrapperConstructor: {problem}')

    def add_params(self, params: List[dict], module: nn.Module, **kwargs) -> None:
        layer_depth = getattr(getattr(module, 'backbone', None), 'get_layer_depth', None)
        if layer_depth is None:
            raise ValueError(
                'LayerDecayOptimWrapperConstructor needs a model whose backbone answers '
                f'get_layer_depth(name, prefix) (e.g. MAMPTransformer); got {type(module).__name__}'
            )
        groups: Dict[Tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if param.requires_grad:
                layer, num_layers = layer_depth(name, 'backbone.')
                lr = self.base_lr * self.layer_decay_rate ** (num_layers - 1 - layer)
                decay = (self.base_wd or 0.0) if param.ndim > 1 else 0.0
                group = groups.setdefault(
                    (layer, param.ndim > 1), dict(params=[], names=[], weight_decay=decay, lr=lr)
                )
                group['params'].append(param)
                group['names'].append(name)
        for (layer, decay), group in sorted(groups.items()):
            names = group.pop('names')
            print_log(
                f'layer_decay group layer_{layer}_{"decay" if decay else "no_decay"}: '
                f'lr={group["lr"]:.4g} (scale {group["lr"] / self.base_lr:.4g}), '
                f'weight_decay={group["weight_decay"]:.4g}, {len(names)} params: '
                + ', '.join(names),
                logger='current',
            )
            params.append(group)
