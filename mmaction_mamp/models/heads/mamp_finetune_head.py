"""Fine-tuning classification head of MAMP (the official MAMP fine-tuning recipe)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from torch import nn


@MODELS.register_module()
class MAMPFinetuneHead(BaseHead):
    """Dropout -> temporal mean -> per-joint flatten -> person mean -> MLP.

    On backbone features (N, M, D, TP, VP): Dropout(p) element-wise, mean over
    the TP temporal tokens, flatten joints and channels joint-major
    (VP*D with D varying fastest, the official order of an (N, M, VP, D)
    tensor), mean over the M persons, then
    Linear(VP*D -> hidden) -> BatchNorm1d(hidden) -> ReLU -> Linear(hidden -> K).

    Official checkpoint names ``head.fc1``, ``head.bn``, ``head.fc2`` are the
    attributes of the same names. Like the official model, both Linear layers
    are xavier-uniform initialised with zero bias and the BatchNorm keeps
    PyTorch's defaults (weight 1, bias 0, eps 1e-5, momentum 0.1).

    Args:
        num_classes: Number of action classes K.
        in_channels: Encoder width D.
        num_joints: Number of joint tokens VP the backbone outputs.
        hidden_dims: Width of the hidden layer. Defaults to 2048.
        dropout: Dropout probability on the backbone features. Defaults to 0.3.
        loss_cls: Loss config; None means ``dict(type='CrossEntropyLoss')``;
            label smoothing is :class:`BaseHead`'s ``label_smooth_eps``.
        average_clips: How multi-clip test scores are merged. Defaults to
            ``'prob'``.
        init_cfg: Weight init; None means xavier-uniform Linear layers.
        **kwargs: Other :class:`BaseHead` arguments (``label_smooth_eps``,
            ``topk``).
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
        if loss_cls is None:
            loss_cls = dict(type='CrossEntropyLoss')
        if init_cfg is None:
            init_cfg = dict(type='Xavier', layer='Linear', distribution='uniform', bias=0.0)
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            init_cfg=init_cfg,
            **kwargs,
        )
        self.num_joints = num_joints
        self.dropout = nn.Dropout(p=dropout)
        self.fc1 = nn.Linear(num_joints * in_channels, hidden_dims)
        self.bn = nn.BatchNorm1d(hidden_dims)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dims, num_classes)

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """Per-joint features averaged over time and persons.

        Args:
            x: (N, M, D, TP, VP) backbone features.

        Returns:
            (N, VP*D) features, joint-major.
        """
        if x.dim() != 5 or x.shape[2] != self.in_channels or x.shape[4] != self.num_joints:
            raise ValueError(
                f'{type(self).__name__} expects backbone features of shape '
                f'(N, M, D={self.in_channels}, TP, VP={self.num_joints}), '
                f'got {tuple(x.shape)}'
            )
        n, m = x.shape[:2]
        x = self.dropout(x).mean(dim=3)  # (N, M, D, VP)
        x = x.transpose(2, 3).reshape(n, m, -1)  # (N, M, VP*D)
        return x.mean(dim=1)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """Classify per-joint pooled features.

        Args:
            x: (N, M, D, TP, VP) backbone features.

        Returns:
            (N, K) class scores.
        """
        hidden = self.relu(self.bn(self.fc1(self.pool(x))))
        return self.fc2(hidden)
