"""MAMP's motion-aware token masking, made in the data pipeline only (the model reads the
packed ``mask``). Randomness enters only as ``noise``, uniform in [0, 1) per token from the
sample's generator, so a mask is a pure function of the clip and that noise.

Notation: B sequences (persons folded into the batch), T frames, V joints, C coordinates,
u / p temporal / spatial patch sizes, L = T/u * V/p tokens.
"""

from typing import Optional

import numpy as np
import torch
from mmaction.registry import TRANSFORMS

from ...utils.errors import RunConfigError
from ...utils.skeleton_tokens import patchify
from ..clip_checks import clip_name
from .pose_transforms import SkeletonTransform, random_source


def check_mask_ratio(mask_ratio: float) -> None:
    """Refuse (:class:`RunConfigError`, when the pipeline is built) a ratio that masks
    nothing (the loss would be 0 / 0) or everything."""
    if not 0.0 < mask_ratio < 1.0:
        raise RunConfigError(
            f'MotionAwareMasking: mask_ratio must be in (0, 1), got {mask_ratio}: with no '
            'masked token the loss averages over nothing (NaN), with no visible token the '
            'encoder sees nothing (the paper uses 0.9)'
        )


def num_visible_tokens(num_tokens: int, mask_ratio: float) -> int:
    """Tokens left visible: ``int(L * (1 - mask_ratio))`` as officially (L = 750, 0.9: 74);
    :class:`RunConfigError` when none stays visible or masked (met by the data check)."""
    check_mask_ratio(mask_ratio)
    num_visible = int(num_tokens * (1 - mask_ratio))
    if not 0 < num_visible < num_tokens:
        raise RunConfigError(
            f'mask_ratio={mask_ratio} leaves {num_visible} of {num_tokens} tokens visible; '
            'at least one token must stay visible and one be masked'
        )
    return num_visible


def token_motion(x: torch.Tensor, temporal_patch: int, spatial_patch: int) -> torch.Tensor:
    """Mean absolute difference between temporally adjacent tokens of x (B, T, V, C).

    Returns:
        (B, L) motion, time-major; the first temporal patch copies the second.
    """
    tokens = patchify(x, temporal_patch, spatial_patch)
    motion = (tokens[:, 1:] - tokens[:, :-1]).abs().mean(dim=-1)  # (B, TP-1, VP)
    motion = torch.cat([motion[:, :1], motion], dim=1)
    return motion.flatten(1)


def masking_probabilities(motion: torch.Tensor, tau: float) -> torch.Tensor:
    """softmax_L(m / (max_L(m) * tau + 1e-10)) of motion m (B, L); uniform when tau <= 0."""
    if tau <= 0:
        return torch.full_like(motion, 1.0 / motion.shape[1])
    peak = motion.amax(dim=1, keepdim=True)
    return torch.softmax(motion / (peak * tau + 1e-10), dim=1)


def gumbel_topk_mask(probs: torch.Tensor, num_visible: int, noise: torch.Tensor) -> torch.Tensor:
    """(B, L) bool mask (True = masked) sampled without replacement proportional to (B, L)
    ``probs``: score = log(p) - log(-log(U + 1e-10) + 1e-10) with (B, L) uniform ``noise``
    U (scored in its dtype); the ``num_visible`` lowest stay visible (ties: token order)."""
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
        mask_ratio: fraction of tokens hidden, in (0, 1).
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


@TRANSFORMS.register_module()
class MotionAwareMasking(SkeletonTransform):
    """Sample the MAMP pre-training mask of every person of a clip.

    Tokens with more motion are masked more often (:func:`motion_aware_mask`). Place it
    after ``FormatGCNInput`` so padded persons get masks too, and pack the mask with
    ``PackActionInputs(algorithm_keys=('mask',))``.

    Required keys: ``keypoint`` (..., T, V, C), usually (num_clips, M, T, V, C).
    Added key: ``mask`` (..., L) bool, True = masked, L = T/u * V/p.

    Args:
        mask_ratio: fraction of tokens masked, in (0, 1) (0.9).
        tau: temperature (0.80 NTU-60 / PKU-MMD, 0.75 NTU-120); <= 0 gives
            uniform random masking.
        temporal_patch_size: frames per token u.
        spatial_patch_size: joints per token p.
        motion_channels: leading channels the token motion is measured on, e.g. 2 for
            (x, y, score) input so the detector score does not steer the mask; None: all.
    """

    def __init__(
        self,
        mask_ratio: float = 0.9,
        tau: float = 0.8,
        temporal_patch_size: int = 4,
        spatial_patch_size: int = 1,
        motion_channels: Optional[int] = None,
    ) -> None:
        check_mask_ratio(mask_ratio)
        if motion_channels is not None and motion_channels < 1:
            raise ValueError(f'motion_channels must be >= 1 or None, got {motion_channels}')
        self.mask_ratio = mask_ratio
        self.tau = tau
        self.temporal_patch_size = temporal_patch_size
        self.spatial_patch_size = spatial_patch_size
        self.motion_channels = motion_channels

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'], dtype=np.float32)
        frames, joints = keypoint.shape[-3:-1]
        if (
            keypoint.ndim < 3
            or frames % self.temporal_patch_size
            or joints % self.spatial_patch_size
            or frames < 2 * self.temporal_patch_size
        ):
            raise ValueError(
                f'sample {clip_name(results)}: keypoint {keypoint.shape} cannot be cut into '
                f'at least two temporal patches of {self.temporal_patch_size} frames x '
                f'{self.spatial_patch_size} joints; crop/resize it first (ValidCropResize)'
            )
        if self.motion_channels is not None and self.motion_channels > keypoint.shape[-1]:
            raise ValueError(
                f'sample {clip_name(results)}: motion_channels={self.motion_channels} but '
                f'keypoint {keypoint.shape} has {keypoint.shape[-1]} channels'
            )
        coordinates = keypoint[..., : self.motion_channels]
        sequences = torch.from_numpy(coordinates).reshape(-1, *coordinates.shape[-3:])
        num_tokens = (frames // self.temporal_patch_size) * (joints // self.spatial_patch_size)
        noise = random_source(results).random((sequences.shape[0], num_tokens))
        mask = motion_aware_mask(
            sequences,
            self.mask_ratio,
            self.tau,
            self.temporal_patch_size,
            self.spatial_patch_size,
            torch.from_numpy(noise),
        )
        results['mask'] = mask.numpy().reshape(*keypoint.shape[:-3], num_tokens)
        return results
