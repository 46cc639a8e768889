"""Run a block without advancing the Python, numpy or torch random streams."""

import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch


@contextmanager
def preserved_random_state() -> Iterator[None]:
    """Restore Python's, numpy's and torch's (CPU, current CUDA device) random state, so checks
    and monitors that draw random numbers leave a run's losses unchanged."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    cuda = torch.cuda.is_available() and torch.cuda.is_initialized()
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if cuda else []):
        yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)
