"""Fine-tuning classification head of MAMP (the official MAMP fine-tuning recipe)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from torch import nn


@MODELS.register_module()
class MAMPFinetuneHead(BaseHead):
    """Dropout -> temporal mean -> per-joint flatten -> person mean -> MLP.

    (N, M, D, TP, VP) features, averaged over TP, flattened joint-major to VP*D (official
    order) and averaged over persons, feed ``fc1`` -> ``bn`` -> ReLU -> ``fc2`` (official names).

    Args:
        num_classes: action classes K.
        in_channels: encoder width D.
        num_joints: joint tokens VP of the backbone.
        hidden_dims: hidden width.
        dropout: dropout probability on the backbone features.
        loss_cls: defaults to ``CrossEntropyLoss`` (smoothing: ``label_smooth_eps``).
        average_clips: how multi-clip test scores are merged.
        init_cfg: defaults to xavier-uniform Linear layers with zero bias (official).
        **kwargs: other :class:`BaseHead` arguments (``label_smooth_eps``, ``topk``).
    """

    def __init__(
        self,
        num_classes: int,
        in_channels: int = 256,
        num_joints: int = 25,
        hidden_dims: int = 2048,
        dropout: float = 0.3,
        loss_cls: Optional[Dict] = None,
        average_clips: Optional[str] = 'prob',
        init_cfg: Union[Dict, List[Dict], None] = None,
        **kwargs,
    ) -> None:
        if init_cfg is None:
            init_cfg = dict(type='Xavier', layer='Linear', distribution='uniform', bias=0.0)
        loss_cls = loss_cls or dict(type='CrossEntropyLoss')
        kwargs.update(average_clips=average_clips, init_cfg=init_cfg)
        super().__init__(num_classes, in_channels, loss_cls, **kwargs)
        self.num_joints = num_joints
        self.dropout = nn.Dropout(p=dropout)
        self.fc1 = nn.Linear(num_joints * in_channels, hidden_dims)
        self.bn = nn.BatchNorm1d(hidden_dims)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dims, num_classes)

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """(N, M, D, TP, VP) backbone features -> (N, VP*D), joint-major."""
        if x.dim() != 5 or x.shape[2] != self.in_channels or x.shape[4] != self.num_joints:
            raise ValueError(
                f'{type(self).__name__} expects backbone features of shape '
                f'(N, M, D={self.in_channels}, TP, VP={self.num_joints}), got {tuple(x.shape)}'
            )
        x = self.dropout(x).mean(dim=3)  # (N, M, D, VP)
        return x.transpose(2, 3).flatten(2).mean(dim=1)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """(N, M, D, TP, VP) backbone features -> (N, K) class scores."""
        return self.fc2(self.relu(self.bn(self.fc1(self.pool(x)))))
