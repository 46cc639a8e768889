"""Datasets and pipeline transforms."""

from . import transforms  # noqa: F401
