"""Motion-aware masking as a data-pipeline transform.

A thin wrapper: the masks come from :func:`~mmaction_mamp.models.utils.masking.
motion_aware_mask`, the implementation the model-side sampler uses too. This
transform only checks the clip, draws the uniform noise (from the sample's own
generator ``results['rng']`` when the dataset gives one) and keeps the leading
(clip, person) axes.
"""

from typing import Optional

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ...models.utils.masking import motion_aware_mask, num_visible_tokens
from .random_source import random_source
from .skeleton_checks import sample_name


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
        num_visible_tokens(1, mask_ratio)  # validates the ratio
        self.mask_ratio = mask_ratio
        self.tau = tau
        self.temporal_patch_size = temporal_patch_size
        self.spatial_patch_size = spatial_patch_size
        if motion_channels is not None and motion_channels < 1:
            raise ValueError(f'motion_channels must be >= 1 or None, got {motion_channels}')
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
                f'sample {sample_name(results)}: keypoint {keypoint.shape} cannot be cut into '
                f'at least two temporal patches of {self.temporal_patch_size} frames x '
                f'{self.spatial_patch_size} joints; crop/resize it first (ValidCropResize)'
            )
        if self.motion_channels is not None and self.motion_channels > keypoint.shape[-1]:
            raise ValueError(
                f'sample {sample_name(results)}: motion_channels={self.motion_channels} but '
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

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(mask_ratio={self.mask_ratio}, tau={self.tau}, '
            f'temporal_patch_size={self.temporal_patch_size}, '
            f'spatial_patch_size={self.spatial_patch_size}, '
            f'motion_channels={self.motion_channels})'
        )
