"""Valid-frame crop for detected poses: the crop stays inside the frames with a detection."""

from typing import Optional, Sequence, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS

from ..clip_checks import clip_name
from .random_source import random_source
from .temporal_crop import ValidCropResize, resize_frames
from .undetected_joints import checked_keypoint_score


def detected_span(keypoint: np.ndarray, score: Optional[np.ndarray] = None) -> Tuple[int, int]:
    """[first, last + 1) of the frames where some keypoint is detected.

    A frame is detected when a keypoint of any person scores above 0 or, without scores,
    when any coordinate is non-zero. (0, 0) when no frame is.

    Args:
        keypoint: (M, T, V, C).
        score: (M, T, V) or None.
    """
    detected = score.max(axis=(0, 2)) > 0 if score is not None else keypoint.any(axis=(0, 2, 3))
    frames = np.flatnonzero(detected)
    return (int(frames[0]), int(frames[-1]) + 1) if frames.size else (0, 0)


@TRANSFORMS.register_module()
class DetectedCropResize(ValidCropResize):
    """The MAMP crop-and-resize on the span of frames where a pose was detected.

    The official crop takes the *number* of non-zero frames as a prefix of the clip (true of
    the zero-padded 3-D NTU samples). Detected 2-D poses can miss frames anywhere, mostly at
    the start and the end, so here the valid frames are the span from the first to the last
    detected frame (``detected_span``); the crop rule inside it is ``ValidCropResize``'s
    (train: ratio U(p_interval), at least ``min_crop_len`` frames, random start; test:
    centre ``p``), drawing from the sample's generator when the dataset gives one.
    ``keypoint_score``, when present, is cropped and resized with the keypoints.

    Required keys: ``keypoint`` (M, T, V, C), optional ``keypoint_score`` (M, T, V).
    Modified: ``keypoint`` (M, clip_len, V, C) float32, ``keypoint_score`` (M, clip_len, V)
    float32, ``total_frames``.

    Args:
        clip_len: output frames.
        p_interval: (low, high) for training or (p,) for testing.
        min_crop_len: shortest training crop.
        min_valid_frames: fewest detected frames accepted (the temporal patch size).
    """

    def __init__(
        self,
        clip_len: int = 120,
        p_interval: Sequence[float] = (0.5, 1.0),
        min_crop_len: int = 64,
        min_valid_frames: int = 4,
    ) -> None:
        super().__init__(clip_len, p_interval, min_crop_len, min_valid_frames)

    def transform(self, results: dict) -> dict:
        """Crop ``keypoint`` (and ``keypoint_score``) to the detected span and resize."""
        keypoint = np.asarray(results['keypoint'])
        score = None
        if 'keypoint_score' in results:
            score = checked_keypoint_score(results, keypoint)
        first, last = detected_span(keypoint, score)
        if last - first < self.min_valid_frames:
            raise ValueError(
                f'sample {clip_name(results)}: {last - first} frames from the first to the '
                f'last detection, fewer than the {self.min_valid_frames} a token needs'
            )
        start, end = self.crop_bounds(last - first, random_source(results))
        crop = slice(first + start, first + end)
        results['keypoint'] = resize_frames(keypoint[:, crop], self.clip_len).astype(np.float32)
        if score is not None:
            resized = resize_frames(score[:, crop, :, None], self.clip_len)
            results['keypoint_score'] = resized[..., 0].astype(np.float32)
        results['total_frames'] = self.clip_len
        return results
