"""Motion-aware masking as a data-pipeline transform (spec §3), in numpy."""

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ...models.utils.masking import num_visible_tokens
from .skeleton_checks import sample_name


def patch_tokens(keypoint: np.ndarray, temporal_patch: int, spatial_patch: int) -> np.ndarray:
    """(..., T, V, C) -> (..., TP, VP, u*p*C), token order (frame, joint, coord)."""
    *lead, t, v, c = keypoint.shape
    u, p = temporal_patch, spatial_patch
    grid = keypoint.reshape(*lead, t // u, u, v // p, p, c)
    grid = np.moveaxis(grid, -3, -4)  # (..., TP, VP, u, p, C)
    return grid.reshape(*lead, t // u, v // p, u * p * c)


def token_motion(keypoint: np.ndarray, temporal_patch: int, spatial_patch: int) -> np.ndarray:
    """Mean |difference| of temporally adjacent tokens, (..., T, V, C) -> (..., L)."""
    tokens = patch_tokens(keypoint.astype(np.float32), temporal_patch, spatial_patch)
    motion = np.abs(np.diff(tokens, axis=-3)).mean(axis=-1)  # (..., TP-1, VP)
    motion = np.concatenate([motion[..., :1, :], motion], axis=-2)
    return motion.reshape(*motion.shape[:-2], -1)


def masking_probabilities(motion: np.ndarray, tau: float) -> np.ndarray:
    """softmax over the last axis of m / (max m * tau + 1e-10); uniform for tau <= 0."""
    if tau <= 0:
        return np.full_like(motion, 1.0 / motion.shape[-1])
    logits = motion / (motion.max(axis=-1, keepdims=True) * tau + 1e-10)
    logits = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return logits / logits.sum(axis=-1, keepdims=True)


def gumbel_topk_mask(probs: np.ndarray, num_visible: int) -> np.ndarray:
    """True for tokens masked by Gumbel top-k sampling without replacement.

    Args:
        probs: (..., L) probabilities.

    Returns:
        (..., L) bool; the ``num_visible`` lowest Gumbel-perturbed log-probs stay
        visible (False).
    """
    uniform = np.random.random_sample(probs.shape)
    scores = np.log(probs) - np.log(-np.log(uniform + 1e-10) + 1e-10)
    visible = np.argsort(scores, axis=-1, kind='stable')[..., :num_visible]
    mask = np.ones(probs.shape, dtype=bool)
    np.put_along_axis(mask, visible, False, axis=-1)
    return mask


@TRANSFORMS.register_module()
class MotionAwareMasking(BaseTransform):
    """Sample the MAMP pre-training mask of every person of a clip.

    Tokens with more motion are masked more often (sampling without
    replacement proportional to softmax(motion / (max motion * tau))).
    Place it after ``FormatGCNInput`` so padded persons get masks too, and
    pack the mask with ``PackActionInputs(algorithm_keys=('mask',))``.

    Required keys: ``keypoint`` (..., T, V, C), usually (num_clips, M, T, V, C).
    Added key: ``mask`` (..., L) bool, True = masked, L = T/u * V/p.

    Args:
        mask_ratio: fraction of tokens masked (0.9).
        tau: temperature (0.80 NTU-60 / PKU-MMD, 0.75 NTU-120); <= 0 gives
            uniform random masking.
        temporal_patch_size: frames per token u.
        spatial_patch_size: joints per token p.
    """

    def __init__(
        self,
        mask_ratio: float = 0.9,
        tau: float = 0.8,
        temporal_patch_size: int = 4,
        spatial_patch_size: int = 1,
    ) -> None:
        if not 0.0 <= mask_ratio < 1.0:
            raise ValueError(f'mask_ratio must be in [0, 1), got {mask_ratio}')
        self.mask_ratio = mask_ratio
        self.tau = tau
        self.temporal_patch_size = temporal_patch_size
        self.spatial_patch_size = spatial_patch_size

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        frames, joints = keypoint.shape[-3:-1]
        if (
            keypoint.ndim < 3
            or frames % self.temporal_patch_size
            or joints % self.spatial_patch_size
            or frames < 2 * self.temporal_patch_size
        ):
            raise ValueError(
                f'sample {sample_name(results)}: keypoint {keypoint.shape} cannot be cut into '
                f'at least two temporal patches of {self.temporal_patch_size} frames x '
                f'{self.spatial_patch_size} joints; crop/resize it first (ValidCropResize)'
            )
        motion = token_motion(keypoint, self.temporal_patch_size, self.spatial_patch_size)
        probs = masking_probabilities(motion, self.tau)
        results['mask'] = gumbel_topk_mask(
            probs, num_visible_tokens(motion.shape[-1], self.mask_ratio)
        )
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(mask_ratio={self.mask_ratio}, tau={self.tau}, '
            f'temporal_patch_size={self.temporal_patch_size}, '
            f'spatial_patch_size={self.spatial_patch_size})'
        )
