"""Motion-aware token masking (MAMP paper, "motion-aware masking"): the one implementation.

The pipeline transform ``MotionAwareMasking`` (on numpy clips in data
workers) and the model-side sampler of ``MAMP`` (on batched tensors) both
call :func:`motion_aware_mask`. Random numbers enter only as the ``noise``
argument, uniform in [0, 1) with one value per token, so whoever owns the
random state (a pipeline generator, a seeded ``torch.Generator``) draws it
and the masks are a pure function of the clip and that noise.

Notation: B sequences (persons folded into the batch), T frames, V joints,
C coordinates, u / p temporal / spatial patch sizes, L = T/u * V/p tokens.
"""

import torch

from .skeleton_tokens import patchify


def num_visible_tokens(num_tokens: int, mask_ratio: float) -> int:
    """Tokens left visible: ``int(L * (1 - mask_ratio))``, as the official code.

    For L = 750 and 0.9 this is ``int(74.99999999999999) = 74``.
    """
    if not 0.0 <= mask_ratio < 1.0:
        raise ValueError(f'mask_ratio must be in [0, 1), got {mask_ratio}')
    return int(num_tokens * (1 - mask_ratio))


def token_motion(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> torch.Tensor:
    """Mean absolute difference between temporally adjacent tokens.

    Args:
        x: (B, T, V, C) skeletons.

    Returns:
        (B, L) motion, time-major; the first temporal patch copies the second.
    """
    tokens = patchify(x, temporal_patch, spatial_patch)
    motion = (tokens[:, 1:] - tokens[:, :-1]).abs().mean(dim=-1)  # (B, TP-1, VP)
    motion = torch.cat([motion[:, :1], motion], dim=1)
    return motion.flatten(1)


def masking_probabilities(motion: torch.Tensor, tau: float) -> torch.Tensor:
    """softmax_L(m / (max_L(m) * tau + 1e-10)); uniform when tau <= 0.

    Args:
        motion: (B, L) token motion.

    Returns:
        (B, L) probabilities.
    """
    if tau <= 0:
        return torch.full_like(motion, 1.0 / motion.shape[1])
    peak = motion.amax(dim=1, keepdim=True)
    return torch.softmax(motion / (peak * tau + 1e-10), dim=1)


def gumbel_topk_mask(probs: torch.Tensor, num_visible: int, noise: torch.Tensor) -> torch.Tensor:
    """Mask tokens by sampling without replacement proportional to ``probs``.

    score = log(p) - log(-log(U + 1e-10) + 1e-10); the ``num_visible`` lowest
    scores stay visible (ties keep token order).

    Args:
        probs: (B, L) probabilities.
        num_visible: tokens left visible per row.
        noise: (B, L) uniform noise U in [0, 1); float64 noise (numpy's
            draws) scores in float64, float32 noise in float32.

    Returns:
        (B, L) bool, True = masked.
    """
    if noise.shape != probs.shape:
        raise ValueError(
            f'noise of shape {tuple(noise.shape)} must match the tokens {tuple(probs.shape)}'
        )
    scores = probs.log() - (-(noise + 1e-10).log() + 1e-10).log()
    visible = scores.argsort(dim=1, stable=True)[:, :num_visible]
    mask = torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    return mask.scatter_(1, visible, False)


def motion_aware_mask(
    x: torch.Tensor,
    mask_ratio: float,
    tau: float,
    temporal_patch: int,
    spatial_patch: int,
    noise: torch.Tensor,
) -> torch.Tensor:
    """Sample MAMP masks: high-motion tokens are hidden more often.

    Args:
        x: (B, T, V, C) skeletons.
        mask_ratio: fraction of tokens hidden.
        tau: temperature of the motion softmax; <= 0 gives uniform masking.
        temporal_patch: frames per token u.
        spatial_patch: joints per token p.
        noise: (B, L) uniform noise in [0, 1), the only source of randomness.

    Returns:
        (B, L) bool, True = masked, ``int(L * (1 - mask_ratio))`` False per row.
    """
    motion = token_motion(x.float(), temporal_patch, spatial_patch)
    probs = masking_probabilities(motion, tau)
    return gumbel_topk_mask(probs, num_visible_tokens(motion.shape[1], mask_ratio), noise)
