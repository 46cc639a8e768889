"""The clip feature of a MAMP encoder, shared by every reader of encoder features."""

from typing import Optional

import torch


def pool_encoder_features(features: torch.Tensor, channels: Optional[int] = None) -> torch.Tensor:
    """Average the encoder output over persons, temporal tokens and joint tokens.

    The official MAMP linear probe's feature, and the one pooling of this package:
    ``MAMPLinearHead``, the k-NN monitor and ``tools/analysis_tools/extract_features.py``
    call it. mmaction2's ``GCNHead`` and ``FeatureHead(backbone_name='gcn')`` average the
    same (N, M, C, T, V) layout, but inside head ``forward`` methods (one also classifies)
    with no function to call.

    Args:
        features: (N, M, D, TP, VP) final-norm encoder output (``MAMPTransformer.forward``).
        channels: the D a caller expects (a head's ``in_channels``), or None.

    Returns:
        (N, D).

    Raises:
        ValueError: ``features`` is not 5-D or its D is not ``channels``.
    """
    if features.dim() != 5 or channels not in (None, features.shape[2]):
        width = 'D' if channels is None else f'D={channels}'
        raise ValueError(
            f'expects backbone features of shape (N, M, {width}, TP, VP), '
            f'got {tuple(features.shape)}'
        )
    return features.mean(dim=(1, 3, 4))
