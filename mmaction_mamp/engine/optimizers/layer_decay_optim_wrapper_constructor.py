"""Layer-wise learning-rate decay for ViT-style encoders (the official MAMP fine-tuning recipe)."""

from typing import Dict, List, Optional, Tuple

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Optimizer wrapper with layer-wise lr decay and no weight decay on 1-D parameters.

    The backbone says which layer each parameter belongs to through
    ``get_layer_depth(name, prefix='backbone.') -> (layer, num_layers)`` (mmpretrain's
    protocol, answered by ``MAMPTransformer``). A parameter of layer ``l`` gets
    ``lr = base_lr * r ** (num_layers - 1 - l)``: for an encoder of depth ``L`` the head
    and final norm train at ``base_lr``, block ``i`` at ``base_lr * r ** (L - i)``, the
    embeddings at ``base_lr * r ** (L + 1)``. One-dimensional parameters (biases, norm
    weights) get weight decay 0, the others the optimizer's ``weight_decay``; frozen ones
    are left out. One param group per (layer, decay / no decay), each logged. Param
    schedulers scale each group from its own initial lr (use ``eta_min_ratio``)::

        optim_wrapper = dict(
            type='OptimWrapper',
            constructor='LayerDecayOptimWrapperConstructor',
            optimizer=dict(type='AdamW', lr=5e-4, weight_decay=0.05),
            paramwise_cfg=dict(layer_decay_rate=0.8))

    Args:
        optim_wrapper_cfg: optimizer wrapper config with an ``optimizer`` (``lr`` set).
        paramwise_cfg: ``layer_decay_rate`` (float in (0, 1], required), nothing else.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None) -> None:
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        unknown = sorted(set(self.paramwise_cfg) - {'layer_decay_rate'})
        if unknown:
            raise ValueError(
                f'LayerDecayOptimWrapperConstructor: unsupported paramwise_cfg keys '
                f"{unknown}; allowed: ['layer_decay_rate']"
            )
        self.layer_decay_rate = float(self.paramwise_cfg.get('layer_decay_rate', 0))
        if not 0.0 < self.layer_decay_rate <= 1.0:
            raise ValueError(
                'LayerDecayOptimWrapperConstructor needs paramwise_cfg.'
                f'layer_decay_rate in (0, 1], got {self.layer_decay_rate}'
            )
        if self.base_lr is None:
            raise ValueError('LayerDecayOptimWrapperConstructor needs optimizer.lr')

    def add_params(self, params: List[dict], module: nn.Module, **kwargs) -> None:
        """Append one param group per (layer, decay / no decay) of ``module`` to ``params``.

        Raises:
            ValueError: the model has no backbone answering ``get_layer_depth``.
        """
        layer_depth = getattr(getattr(module, 'backbone', None), 'get_layer_depth', None)
        if layer_depth is None:
            raise ValueError(
                'LayerDecayOptimWrapperConstructor needs a model whose backbone answers '
                f'get_layer_depth(name, prefix) (e.g. MAMPTransformer); got {type(module).__name__}'
            )
        groups: Dict[Tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer, num_layers = layer_depth(name, 'backbone.')
            decay = param.ndim > 1
            group = groups.setdefault(
                (layer, decay),
                dict(
                    params=[],
                    names=[],
                    weight_decay=(self.base_wd or 0.0) if decay else 0.0,
                    lr=self.base_lr * self.layer_decay_rate ** (num_layers - 1 - layer),
                ),
            )
            group['params'].append(param)
            group['names'].append(name)
        for layer, decay in sorted(groups):
            group = groups[(layer, decay)]
            names = group.pop('names')
            print_log(
                f'layer_decay group layer_{layer}_{"decay" if decay else "no_decay"}: '
                f'lr={group["lr"]:.4g} (scale {group["lr"] / self.base_lr:.4g}), '
                f'weight_decay={group["weight_decay"]:.4g}, {len(names)} params: '
                + ', '.join(names),
                logger='current',
            )
            params.append(group)
