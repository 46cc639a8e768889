"""Input validation shared by the skeleton transforms."""

import numpy as np


def sample_name(results: dict) -> str:
    """Name of the sample for error messages (its ``frame_dir``)."""
    return str(results.get('frame_dir', '<unknown sample>'))


def checked_keypoint(results: dict) -> np.ndarray:
    """Return ``results['keypoint']`` after checking it is a finite (M, T, V, C) array.

    Args:
        results: pipeline results holding ``keypoint``.

    Raises:
        ValueError: naming the sample and the problem.
    """
    name = sample_name(results)
    if 'keypoint' not in results:
        raise ValueError(f'sample {name}: no "keypoint" array')
    keypoint = np.asarray(results['keypoint'])
    if keypoint.ndim != 4:
        raise ValueError(
            f'sample {name}: keypoint must have shape (M, T, V, C), got {keypoint.shape}'
        )
    if not np.issubdtype(keypoint.dtype, np.floating):
        keypoint = keypoint.astype(np.float32)
    bad = ~np.isfinite(keypoint)
    if bad.any():
        person, frame, joint, _ = np.argwhere(bad)[0]
        raise ValueError(
            f'sample {name}: {int(bad.sum())} non-finite coordinates, first at person '
            f'{person}, frame {frame}, joint {joint}'
        )
    return keypoint
