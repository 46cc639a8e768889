"""Tensor helpers shared by the encoder, the decoder heads and the masking transform.

Notation: B sequences (persons folded into the batch), T frames, V joints, C coordinates,
u / p temporal / spatial patch sizes, TP = T/u, VP = V/p, L = TP*VP tokens (time-major).
"""

import torch


def patchify(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> torch.Tensor:
    """(B, T, V, C) -> (B, TP, VP, u*p*C) tokens, ordered (frame, joint, coordinate) inside.

    Raises:
        ValueError: x is not 4-D, or T / V are not multiples of u / p.
    """
    if x.dim() != 4:
        raise ValueError(f'expected skeletons of shape (B, T, V, C), got {tuple(x.shape)}')
    b, t, v, c = x.shape
    u, p = temporal_patch, spatial_patch
    if t % u or v % p:
        raise ValueError(
            f'{t} frames x {v} joints cannot be cut into patches of {u} frames x {p} joints'
        )
    x = x.reshape(b, t // u, u, v // p, p, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(b, t // u, v // p, u * p * c)


def frame_motion(x: torch.Tensor) -> torch.Tensor:
    """(B, T, V, C) -> (B, T, V, C): out[:, t] = x[:, t+1] - x[:, t], zero at t = T-1."""
    motion = torch.zeros_like(x)
    motion[:, :-1] = x[:, 1:] - x[:, :-1]
    return motion


def token_motion(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> torch.Tensor:
    """MAMP's un-normalised motion target, (B, T, V, C) -> (B, L, u*p*C): frame motion
    cut into tokens."""
    return patchify(frame_motion(x), temporal_patch, spatial_patch).flatten(1, 2)


def normalize_per_token(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(x - mean) / sqrt(unbiased var + eps) over the last dimension."""
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=True, keepdim=True)
    return (x - mean) / (var + eps).sqrt()
