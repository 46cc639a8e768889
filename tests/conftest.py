"""Shared fixtures: import the plugin once (registers everything)."""

import os
import sys
from pathlib import Path

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / 'tests'))

import mmaction_mamp  # noqa: E402,F401

if os.environ.get('PYTEST_XDIST_WORKER'):  # one thread per test process: 2 workers, 2 cores
    torch.set_num_threads(1)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
