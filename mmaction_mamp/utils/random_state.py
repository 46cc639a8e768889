"""Run a block without advancing the Python, numpy or torch random streams."""

import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch


@contextmanager
def preserved_random_state() -> Iterator[None]:
    """Restore Python's, numpy's and torch's (CPU and current CUDA device) random state.

    Checks and monitors that build dataloaders or run samples through a pipeline draw
    random numbers; wrapping them keeps a run's training losses identical with or
    without them.
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()
    cuda = torch.cuda.is_available() and torch.cuda.is_initialized()
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if cuda else []):
        yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)
