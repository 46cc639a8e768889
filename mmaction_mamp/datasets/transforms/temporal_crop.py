"""Temporal crops: the official MAMP crop-and-resize ("valid_crop_resize" of its feeder), its
detected-span variant for 2-D poses, and a multi-clip test crop."""

from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS

from ..clip_checks import clip_name
from .pose_transforms import (
    RandomSource,
    SkeletonTransform,
    checked_keypoint_score,
    random_source,
)

#: [first, last) of the frames a crop may take, the score cropped with them, their name.
Span = Tuple[int, int, Optional[np.ndarray], str]


def count_valid_frames(keypoint: np.ndarray) -> int:
    """Frames of ``keypoint`` (M, T, V, C) whose coordinate sum is non-zero."""
    return int(np.count_nonzero(keypoint.sum(axis=(0, 2, 3)) != 0))


def linear_resize_indices(in_len: int, out_len: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper indices and upper weights, each (out_len,), of 1-D linear resampling
    as ``torch.nn.functional.interpolate(..., align_corners=False)``: src = (dst + 0.5) *
    in/out - 0.5, clamped at 0."""
    src = (np.arange(out_len, dtype=np.float64) + 0.5) * (in_len / out_len) - 0.5
    src = np.maximum(src, 0.0)
    lower = np.minimum(np.floor(src).astype(np.int64), in_len - 1)
    upper = np.minimum(lower + 1, in_len - 1)
    return lower, upper, (src - lower).astype(np.float32)


def resize_frames(keypoint: np.ndarray, out_len: int) -> np.ndarray:
    """Linearly resample (M, T, ...) to (M, out_len, ...) along time."""
    lower, upper, weight = linear_resize_indices(keypoint.shape[1], out_len)
    weight = weight.reshape(1, -1, *[1] * (keypoint.ndim - 2))
    return keypoint[:, lower] * (1 - weight) + keypoint[:, upper] * weight


@TRANSFORMS.register_module()
class ValidCropResize(SkeletonTransform):
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
        """[start, end) of the crop within ``valid`` frames, drawn from ``rng`` (the sample's
        generator, or numpy's global state as officially)."""
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

    def valid_span(self, results: dict, keypoint: np.ndarray) -> Span:
        """[first, last) of the frames to crop, the score to crop along, and their name."""
        return 0, count_valid_frames(keypoint), None, 'valid (non-zero) frames'

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        first, last, score, frames = self.valid_span(results, keypoint)
        if last - first < self.min_valid_frames:
            raise ValueError(
                f'sample {clip_name(results)}: {last - first} {frames}, fewer than the '
                f'{self.min_valid_frames} a token needs'
            )
        start, end = self.crop_bounds(last - first, random_source(results))
        crop = slice(first + start, first + end)
        results['keypoint'] = resize_frames(keypoint[:, crop], self.clip_len).astype(np.float32)
        if score is not None:
            results['keypoint_score'] = resize_frames(score[:, crop], self.clip_len)
        results['total_frames'] = self.clip_len
        return results


def detected_span(keypoint: np.ndarray, score: Optional[np.ndarray] = None) -> Tuple[int, int]:
    """[first, last + 1) of the frames where some keypoint is detected, (0, 0) if none is.

    A frame is detected when a keypoint of any person scores above 0 or, without scores,
    when any coordinate is non-zero.

    Args:
        keypoint: (M, T, V, C).
        score: (M, T, V) or None.
    """
    detected = score.max(axis=(0, 2)) > 0 if score is not None else keypoint.any(axis=(0, 2, 3))
    frames = np.flatnonzero(detected)
    return (int(frames[0]), int(frames[-1]) + 1) if frames.size else (0, 0)


@TRANSFORMS.register_module()
class DetectedCropResize(ValidCropResize):
    """:class:`ValidCropResize` on the span from the first to the last detected frame.

    The official crop takes the *number* of non-zero frames as a prefix of the clip (true of
    the zero-padded 3-D NTU samples); detected 2-D poses miss frames anywhere, mostly at the
    start and the end. ``keypoint_score``, when present, is cropped and resized too.

    Required keys: ``keypoint`` (M, T, V, C), optional ``keypoint_score`` (M, T, V).
    Modified: ``keypoint`` (M, clip_len, V, C) float32, ``keypoint_score`` (M, clip_len, V)
    float32, ``total_frames``.
    """

    def valid_span(self, results: dict, keypoint: np.ndarray) -> Span:
        score = checked_keypoint_score(results, keypoint) if 'keypoint_score' in results else None
        first, last = detected_span(keypoint, score)
        return first, last, score, 'frames from the first to the last detection'


@TRANSFORMS.register_module()
class MultiClipCropResize(SkeletonTransform):
    """``num_clips`` deterministic crops of the valid frames, each resized to ``clip_len``.

    Every crop keeps ``valid - 2 * bias`` frames, ``bias = int((1 - crop_ratio) * valid / 2)``
    (``crop_ratio`` in (0, 1]), with starts spread evenly over ``[0, 2 * bias]``;
    ``num_clips=1`` is the paper's centre crop (``ValidCropResize(p_interval=(crop_ratio,))``).
    ``FormatGCNInput`` then yields (num_clips, M, clip_len, V, C), merged by the head's
    ``average_clips``.

    Required keys: ``keypoint`` (M, T, V, C). Modified: ``keypoint`` (M, num_clips *
    clip_len, V, C) float32, ``total_frames``. Added: ``num_clips``, ``clip_len``.
    """

    def __init__(self, clip_len: int = 120, num_clips: int = 5, crop_ratio: float = 0.8) -> None:
        if num_clips < 1:
            raise ValueError(f'num_clips must be >= 1, got {num_clips}')
        if not 0.0 < crop_ratio <= 1.0:
            raise ValueError(f'crop_ratio must be in (0, 1], got {crop_ratio}')
        self.clip_len = clip_len
        self.num_clips = num_clips
        self.crop_ratio = crop_ratio

    def crop_bounds(self, valid: int) -> List[Tuple[int, int]]:
        """[start, end) of every crop within the first ``valid`` frames."""
        bias = int((1 - self.crop_ratio) * valid / 2)
        starts = np.round(np.linspace(0, 2 * bias, self.num_clips)).astype(int).tolist()
        starts = starts if self.num_clips > 1 else [bias]
        return [(start, start + valid - 2 * bias) for start in starts]

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        valid = count_valid_frames(keypoint)
        if valid < 1:
            raise ValueError(f'sample {clip_name(results)}: no valid (non-zero) frame')
        clips = [resize_frames(keypoint[:, s:e], self.clip_len) for s, e in self.crop_bounds(valid)]
        results['keypoint'] = np.concatenate(clips, axis=1).astype(np.float32)
        results['total_frames'] = self.clip_len * self.num_clips
        results['num_clips'] = self.num_clips
        results['clip_len'] = self.clip_len
        return results
