"""Where the random skeleton transforms get their random numbers."""

from typing import Union

import numpy as np

RandomSource = Union[np.random.Generator, type(np.random)]


def random_source(results: dict) -> RandomSource:
    """The sample's own generator ``results['rng']`` when the dataset gives one, else numpy's
    global state (seeded per worker by mmengine).

    Both offer ``uniform(low, high)`` and ``random()``, the only draws the transforms use.
    """
    return results.get('rng', np.random)
