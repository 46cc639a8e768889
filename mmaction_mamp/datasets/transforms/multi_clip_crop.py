"""Multi-clip test crops: several shifted centre-style crops of the valid frames."""

from typing import List, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..clip_checks import clip_name
from .temporal_crop import count_valid_frames, resize_frames


@TRANSFORMS.register_module()
class MultiClipCropResize(BaseTransform):
    """``num_clips`` crops of the valid frames, each resized to ``clip_len``.

    A multi-clip generalisation of the official test crop: every crop keeps
    ``valid - 2 * bias`` frames with ``bias = int((1 - crop_ratio) * valid / 2)``
    and the crop starts are spread evenly over ``[0, 2 * bias]``. With
    ``num_clips=1`` this is exactly the single centre crop of the paper
    (``ValidCropResize(p_interval=(crop_ratio,))``). Deterministic.

    The clips are concatenated along time and ``num_clips`` is recorded, so
    ``FormatGCNInput`` yields (num_clips, M, clip_len, V, C) and the head's
    ``average_clips`` merges the clip scores.

    Required keys: ``keypoint`` (M, T, V, C). Modified: ``keypoint``
    (M, num_clips * clip_len, V, C) float32, ``total_frames``. Added:
    ``num_clips``, ``clip_len``.

    Args:
        clip_len: Frames per clip (120 in every MAMP recipe).
        num_clips: Number of crops.
        crop_ratio: Fraction of the valid frames each crop keeps, in (0, 1].
    """

    def __init__(
        self,
        clip_len: int = 120,
        num_clips: int = 5,
        crop_ratio: float = 0.8,
    ) -> None:
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
        length = valid - 2 * bias
        if self.num_clips == 1:
            starts = [bias]
        else:
            starts = np.round(np.linspace(0, 2 * bias, self.num_clips)).astype(int).tolist()
        return [(start, start + length) for start in starts]

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        valid = count_valid_frames(keypoint)
        if valid < 1:
            raise ValueError(f'sample {clip_name(results)}: no valid (non-zero) frame')
        clips = [
            resize_frames(keypoint[:, start:end], self.clip_len)
            for start, end in self.crop_bounds(valid)
        ]
        results['keypoint'] = np.concatenate(clips, axis=1).astype(np.float32)
        results['total_frames'] = self.clip_len * self.num_clips
        results['num_clips'] = self.num_clips
        results['clip_len'] = self.clip_len
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(clip_len={self.clip_len}, num_clips={self.num_clips}, '
            f'crop_ratio={self.crop_ratio})'
        )
