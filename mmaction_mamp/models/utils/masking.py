"""Motion-aware token masking in torch (spec §3), used when the data
pipeline did not provide masks. ``MotionAwareMasking`` is the numpy twin used
in data pipelines; tests hold both to the same reference.
"""

from typing import Optional

import torch

from .skeleton_tokens import token_motion


def num_visible_tokens(num_tokens: int, mask_ratio: float) -> int:
    """Tokens left visible: int(L * (1 - mask_ratio)), as the official code."""
    if not 0.0 <= mask_ratio < 1.0:
        raise ValueError(f'mask_ratio must be in [0, 1), got {mask_ratio}')
    return int(num_tokens * (1 - mask_ratio))


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


def gumbel_topk_mask(
    probs: torch.Tensor, num_visible: int, generator: Optional[torch.Generator] = None
) -> torch.Tensor:
    """Mask tokens by sampling without replacement proportional to ``probs``.

    score = log(p) - log(-log(U + 1e-10) + 1e-10); the ``num_visible`` lowest
    scores stay visible.

    Args:
        probs: (B, L) probabilities.

    Returns:
        (B, L) bool, True = masked.
    """
    uniform = torch.rand(probs.shape, generator=generator, device=probs.device)
    scores = probs.log() - (-(uniform + 1e-10).log() + 1e-10).log()
    visible = scores.argsort(dim=1)[:, :num_visible]
    mask = torch.ones_like(probs, dtype=torch.bool)
    return mask.scatter_(1, visible, False)


def motion_aware_mask(
    x: torch.Tensor,
    mask_ratio: float,
    tau: float,
    temporal_patch: int,
    spatial_patch: int,
    generator: Optional[torch.Generator] = None,
) -> torch.Tensor:
    """Sample MAMP masks for skeletons.

    Args:
        x: (B, T, V, C) skeletons.

    Returns:
        (B, L) bool, True = masked, ``int(L * (1 - mask_ratio))`` False per row.
    """
    motion = token_motion(x.float(), temporal_patch, spatial_patch)
    probs = masking_probabilities(motion, tau)
    return gumbel_topk_mask(probs, num_visible_tokens(motion.shape[1], mask_ratio), generator)
