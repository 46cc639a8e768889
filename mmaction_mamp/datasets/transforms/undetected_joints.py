"""Keypoints the pose detector did not find become absent joints (zeros)."""

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..clip_checks import clip_name


def checked_keypoint_score(results: dict, keypoint: np.ndarray) -> np.ndarray:
    """``results['keypoint_score']`` after checking it matches (M, T, V) (the clip check
    made sure it is finite).

    Raises:
        ValueError: naming the sample and the problem.
    """
    name = clip_name(results)
    if 'keypoint_score' not in results:
        raise ValueError(
            f'sample {name}: no "keypoint_score" array; 2-D pose annotations (mmaction2 '
            'HRNet pickles) carry one of shape (M, T, V)'
        )
    score = np.asarray(results['keypoint_score'], dtype=np.float32)
    if score.shape != keypoint.shape[:3]:
        raise ValueError(
            f'sample {name}: keypoint_score has shape {score.shape}, keypoint '
            f'{keypoint.shape}; expected (M, T, V) = {keypoint.shape[:3]}'
        )
    return score


@TRANSFORMS.register_module()
class ZeroUndetectedJoints(BaseTransform):
    """Zero the coordinates of keypoints with ``score <= score_thr``.

    mmaction2's 2-D pickles store keypoints the detector missed (absent persons, frames
    without a detection) as pixel (0, 0) with score 0, and ``PreNormalize2D`` turns that
    placeholder into (-1, -1). MAMP treats an absent joint as all-zero (zero motion, and a
    frame is valid when some coordinate is non-zero), as in the 3-D data, so this transform
    follows ``PreNormalize2D`` and puts such keypoints back at 0.

    Required keys: ``keypoint`` (M, T, V, C), ``keypoint_score`` (M, T, V).
    Modified keys: ``keypoint`` float32; ``keypoint_score`` float32 (zeroed where the
    keypoint was), or removed when ``keep_score`` is False (2-coordinate input: mmaction2's
    ``FormatGCNInput`` appends a present ``keypoint_score`` as a last channel).

    Args:
        score_thr: keypoints scoring at most this are undetected (0: only the placeholders).
        keep_score: keep ``keypoint_score`` for later transforms and as an input channel.
    """

    def __init__(self, score_thr: float = 0.0, keep_score: bool = False) -> None:
        self.score_thr = score_thr
        self.keep_score = keep_score

    def transform(self, results: dict) -> dict:
        """Zero the undetected keypoints of ``results['keypoint']``."""
        keypoint = np.asarray(results['keypoint']).astype(np.float32)
        score = checked_keypoint_score(results, keypoint)
        undetected = score <= self.score_thr  # (M, T, V)
        keypoint[undetected] = 0
        results['keypoint'] = keypoint
        if self.keep_score:
            results['keypoint_score'] = np.where(undetected, 0, score).astype(np.float32)
        else:
            del results['keypoint_score']
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(score_thr={self.score_thr}, keep_score={self.keep_score})'
        )
