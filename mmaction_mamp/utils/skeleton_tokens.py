"""Tensor helpers shared by the encoder, the decoder head and the masking transform.

Notation: B sequences (persons folded into the batch), T frames, V joints,
C coordinates, u / p temporal / spatial patch sizes, TP = T/u, VP = V/p,
L = TP*VP tokens (flattened time-major).
"""

import torch


def check_patchable(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> None:
    """Raise ValueError unless x is (B, T, V, C) with T % u == 0 and V % p == 0."""
    if x.dim() != 4:
        raise ValueError(f'expected skeletons of shape (B, T, V, C), got {tuple(x.shape)}')
    _, t, v, _ = x.shape
    if t % temporal_patch or v % spatial_patch:
        raise ValueError(
            f'{t} frames x {v} joints cannot be cut into patches of '
            f'{temporal_patch} frames x {spatial_patch} joints'
        )


def patchify(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> torch.Tensor:
    """Cut skeletons into tokens.

    Args:
        x: (B, T, V, C).

    Returns:
        (B, TP, VP, u*p*C); inside a token the order is
        (frame-in-patch, joint-in-patch, coordinate).
    """
    check_patchable(x, temporal_patch, spatial_patch)
    b, t, v, c = x.shape
    u, p = temporal_patch, spatial_patch
    x = x.reshape(b, t // u, u, v // p, p, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(b, t // u, v // p, u * p * c)


def frame_motion(x: torch.Tensor) -> torch.Tensor:
    """Forward frame difference, zero for the last frame.

    Args:
        x: (B, T, V, C).

    Returns:
        (B, T, V, C) with out[:, t] = x[:, t+1] - x[:, t], out[:, T-1] = 0.
    """
    motion = torch.zeros_like(x)
    motion[:, :-1] = x[:, 1:] - x[:, :-1]
    return motion


def token_motion(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> torch.Tensor:
    """MAMP's un-normalised motion target: frame motion cut into tokens.

    Args:
        x: (B, T, V, C).

    Returns:
        (B, L, u*p*C), tokens flattened time-major.
    """
    return patchify(frame_motion(x), temporal_patch, spatial_patch).flatten(1, 2)


def normalize_per_token(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(x - mean) / sqrt(unbiased var + eps) over the last dimension."""
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=True, keepdim=True)
    return (x - mean) / (var + eps).sqrt()
