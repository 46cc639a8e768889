"""Linear-probe classification head of MAMP (the official MAMP linear probe)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from torch import nn

from ...evaluation import pool_encoder_features


@MODELS.register_module()
class MAMPLinearHead(BaseHead):
    """Pooled encoder feature -> BatchNorm1d(affine=False) -> Linear, the official probe.

    :attr:`pool` is :func:`~mmaction_mamp.evaluation.pool_encoder_features` (as ``GCNHead.pool``
    is its pooling); official names: ``head.fc.0`` is :attr:`bn`, ``head.fc.1`` :attr:`fc`.

    Args:
        num_classes: action classes K.
        in_channels: encoder width D.
        loss_cls: defaults to ``CrossEntropyLoss``.
        bn_eps: BatchNorm epsilon (official: 1e-6).
        average_clips: how multi-clip test scores are merged.
        init_cfg: defaults to truncated normal (std 0.01) Linear layers with zero bias.
        **kwargs: other :class:`BaseHead` arguments (e.g. ``topk``).
    """

    pool = staticmethod(pool_encoder_features)

    def __init__(
        self,
        num_classes: int,
        in_channels: int = 256,
        loss_cls: Optional[Dict] = None,
        bn_eps: float = 1e-6,
        average_clips: Optional[str] = 'prob',
        init_cfg: Union[Dict, List[Dict], None] = None,
        **kwargs,
    ) -> None:
        if init_cfg is None:
            init_cfg = dict(type='TruncNormal', layer='Linear', std=0.01, bias=0.0)
        loss_cls = loss_cls or dict(type='CrossEntropyLoss')
        kwargs.update(average_clips=average_clips, init_cfg=init_cfg)
        super().__init__(num_classes, in_channels, loss_cls, **kwargs)
        self.bn = nn.BatchNorm1d(in_channels, affine=False, eps=bn_eps)
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """(N, M, D, TP, VP) backbone features -> (N, K) class scores."""
        return self.fc(self.bn(pool_encoder_features(x, self.in_channels)))
