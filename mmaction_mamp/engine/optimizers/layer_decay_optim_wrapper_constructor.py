"""Layer-wise learning-rate decay for ViT-style encoders (the official MAMP fine-tuning recipe)."""

from typing import Callable, Dict, List, Optional, Tuple

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

_ALLOWED_KEYS = frozenset({'layer_decay_rate'})


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Optimizer wrapper with layer-wise lr decay and no decay on 1-D params.

    The model's backbone says which layer each parameter belongs to through
    ``get_layer_depth(name, prefix='backbone.') -> (layer, num_layers)``
    (mmpretrain's protocol, answered by ``MAMPTransformer``). A parameter of
    layer ``l`` gets ``lr = base_lr * r ** (num_layers - 1 - l)``; for an
    encoder of depth ``L`` (``num_layers = L + 2``) the head and final norm
    train at ``base_lr``, block ``i`` at ``base_lr * r ** (L - i)``, the
    embeddings at ``base_lr * r ** (L + 1)``.
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
        paramwise_cfg: ``layer_decay_rate`` (float in (0, 1], required).
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

    @staticmethod
    def _layer_depth_of(module: nn.Module) -> Callable[[str], Tuple[int, int]]:
        """``name -> (layer, num_layers)`` asked of ``module.backbone``.

        Raises:
            ValueError: the model has no backbone answering ``get_layer_depth``.
        """
        get_layer_depth = getattr(getattr(module, 'backbone', None), 'get_layer_depth', None)
        if get_layer_depth is None:
            raise ValueError(
                'LayerDecayOptimWrapperConstructor needs a model whose backbone answers '
                f'get_layer_depth(name, prefix) (e.g. MAMPTransformer); got {type(module).__name__}'
            )
        return lambda name: get_layer_depth(name, 'backbone.')

    def add_params(self, params: List[dict], module: nn.Module, **kwargs) -> None:
        """Append one param group per (layer, decay / no decay) to ``params``.

        Args:
            params: Param groups, extended in place.
            module: The whole model.
        """
        layer_depth = self._layer_depth_of(module)
        base_wd = self.base_wd or 0.0
        groups: Dict[Tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer_id, num_layers = layer_depth(name)
            decay = param.ndim > 1
            key = (layer_id, decay)
            if key not in groups:
                scale = self.layer_decay_rate ** (num_layers - 1 - layer_id)
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
