"""Linear-probe classification head of MAMP (the official MAMP linear probe)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from torch import nn

from ...evaluation import pool_encoder_features


@MODELS.register_module()
class MAMPLinearHead(BaseHead):
    """Pooled encoder feature -> BatchNorm1d(affine=False) -> Linear.

    The feature is :func:`~mmaction_mamp.evaluation.pool_encoder_features`
    (the final-norm encoder output averaged over persons, temporal tokens and
    joint tokens), exactly what the official linear probe feeds its
    classifier; :attr:`pool` is that function, as ``GCNHead.pool`` is its
    pooling. The BatchNorm has no affine parameters and
    ``eps=1e-6``; the classifier weight is truncated normal (std 0.01) and its
    bias zero.

    Official checkpoint names: ``head.fc.0`` is :attr:`bn`, ``head.fc.1`` is
    :attr:`fc`.

    Args:
        num_classes: Number of action classes K.
        in_channels: Encoder width D.
        loss_cls: Loss config; None means ``dict(type='CrossEntropyLoss')``.
        bn_eps: BatchNorm epsilon. Defaults to 1e-6 (official).
        average_clips: How multi-clip test scores are merged (``'prob'``,
            ``'score'`` or None). Defaults to ``'prob'``.
        init_cfg: Weight init; None means truncated normal std 0.01 with
            zero bias on the Linear layer.
        **kwargs: Other :class:`BaseHead` arguments (e.g. ``topk``).
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
        if loss_cls is None:
            loss_cls = dict(type='CrossEntropyLoss')
        if init_cfg is None:
            init_cfg = dict(type='TruncNormal', layer='Linear', std=0.01, bias=0.0)
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            init_cfg=init_cfg,
            **kwargs,
        )
        self.bn = nn.BatchNorm1d(in_channels, affine=False, eps=bn_eps)
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """Classify pooled features.

        Args:
            x: (N, M, D, TP, VP) backbone features.

        Returns:
            (N, K) class scores.
        """
        return self.fc(self.bn(pool_encoder_features(x, self.in_channels)))
