"""The official MAMP temporal crop-and-resize ("valid_crop_resize" of its feeder)."""

from typing import Sequence, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..clip_checks import clip_name
from .random_source import RandomSource, random_source


def count_valid_frames(keypoint: np.ndarray) -> int:
    """Frames whose coordinate sum over persons, joints and coords is non-zero.

    Args:
        keypoint: (M, T, V, C).
    """
    return int(np.count_nonzero(keypoint.sum(axis=(0, 2, 3)) != 0))


def linear_resize_indices(in_len: int, out_len: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sampling positions of 1-D linear interpolation with align_corners=False.

    Matches ``torch.nn.functional.interpolate(mode='linear'/'bilinear',
    align_corners=False)``: src = (dst + 0.5) * in/out - 0.5, clamped at 0.

    Returns:
        lower indices, upper indices and upper weights, each (out_len,).
    """
    src = (np.arange(out_len, dtype=np.float64) + 0.5) * (in_len / out_len) - 0.5
    src = np.maximum(src, 0.0)
    lower = np.minimum(np.floor(src).astype(np.int64), in_len - 1)
    upper = np.minimum(lower + 1, in_len - 1)
    return lower, upper, (src - lower).astype(np.float32)


def resize_frames(keypoint: np.ndarray, out_len: int) -> np.ndarray:
    """Linearly resample (M, T, V, C) to (M, out_len, V, C) along time."""
    lower, upper, weight = linear_resize_indices(keypoint.shape[1], out_len)
    weight = weight[None, :, None, None]
    return keypoint[:, lower] * (1 - weight) + keypoint[:, upper] * weight


@TRANSFORMS.register_module()
class ValidCropResize(BaseTransform):
    """Crop the valid frames of a skeleton and resize the crop to ``clip_len``.

    Training (two-value ``p_interval``): ratio p ~ U(p_interval), crop length
    min(max(floor(valid * p), min_crop_len), valid) at a uniformly random start.
    Testing (one value p): drop int((1 - p) * valid / 2) frames at each end.
    The crop is resampled to ``clip_len`` frames by linear interpolation.

    Required keys: ``keypoint`` (M, T, V, C). Modified: ``keypoint`` (M, clip_len,
    V, C) float32, ``total_frames``.

    Args:
        clip_len: output frames (120 in every MAMP recipe).
        p_interval: (low, high) for training or (p,) for testing.
        min_crop_len: shortest training crop (64).
        min_valid_frames: fewest valid frames accepted (the temporal patch size).
    """

    def __init__(
        self,
        clip_len: int = 120,
        p_interval: Sequence[float] = (0.5, 1.0),
        min_crop_len: int = 64,
        min_valid_frames: int = 4,
    ) -> None:
        if len(p_interval) not in (1, 2):
            raise ValueError(f'p_interval must have 1 or 2 values, got {p_interval}')
        self.clip_len = clip_len
        self.p_interval = tuple(p_interval)
        self.min_crop_len = min_crop_len
        self.min_valid_frames = min_valid_frames

    def crop_bounds(self, valid: int, rng: RandomSource = np.random) -> Tuple[int, int]:
        """[start, end) of the crop within the first ``valid`` frames.

        Args:
            valid: number of valid frames.
            rng: the sample's generator, or numpy's global state (the official draws).
        """
        if len(self.p_interval) == 1:
            bias = int((1 - self.p_interval[0]) * valid / 2)
            return bias, valid - bias
        low, high = self.p_interval
        ratio = rng.random() * (high - low) + low
        length = min(max(int(np.floor(valid * ratio)), self.min_crop_len), valid)
        num_starts = valid - length + 1
        if isinstance(rng, np.random.Generator):
            start = int(rng.integers(num_starts))
        else:
            start = rng.randint(0, num_starts)
        return start, start + length

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        valid = count_valid_frames(keypoint)
        if valid < self.min_valid_frames:
            raise ValueError(
                f'sample {clip_name(results)}: {valid} valid (non-zero) frames, fewer than '
                f'the {self.min_valid_frames} a token needs'
            )
        start, end = self.crop_bounds(valid, random_source(results))
        results['keypoint'] = resize_frames(keypoint[:, start:end], self.clip_len).astype(
            np.float32
        )
        results['total_frames'] = self.clip_len
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(clip_len={self.clip_len}, p_interval={self.p_interval}, '
            f'min_crop_len={self.min_crop_len})'
        )
