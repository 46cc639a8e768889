"""The clip feature of a MAMP encoder, shared by every reader of encoder features."""

from typing import Optional

import torch


def pool_encoder_features(features: torch.Tensor, channels: Optional[int] = None) -> torch.Tensor:
    """(N, M, D, TP, VP) final-norm encoder output -> (N, D), averaged over persons, temporal
    and joint tokens: the official linear probe's feature, for ``MAMPLinearHead``, the k-NN
    monitor and feature extraction. (mmaction2's ``GCNHead`` pools alike, but only inside
    its ``forward``.)

    Raises:
        ValueError: ``features`` is not 5-D or its D is not ``channels`` (if given).
    """
    if features.dim() != 5 or channels not in (None, features.shape[2]):
        width = 'D' if channels is None else f'D={channels}'
        raise ValueError(
            f'expects backbone features of shape (N, M, {width}, TP, VP), '
            f'got {tuple(features.shape)}'
        )
    return features.mean(dim=(1, 3, 4))
