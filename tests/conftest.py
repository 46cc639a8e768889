"""Shared fixtures: import the plugin once (registers everything)."""

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / 'tests'))

import mmaction_mamp  # noqa: E402,F401


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
