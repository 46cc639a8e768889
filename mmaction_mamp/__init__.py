"""MAMP (Masked Motion Predictors) for mmaction2: importing it (configs:
``custom_imports = dict(imports=['mmaction_mamp'])``) registers every component (scope
``mmaction``) and changes nothing else (but ``compat.py``'s DRN placeholder)."""

import warnings

from .compat import MMCV_LITE_WARNING, patch_missing_drn

# mmcv-lite's notice (no compiled MultiScaleDeformableAttention, which skeleton models never
# use), silenced only while mmaction2's model zoo is imported.
with warnings.catch_warnings():
    warnings.filterwarnings('ignore', message=MMCV_LITE_WARNING, category=UserWarning)
    patch_missing_drn()
    from . import datasets, engine, models, utils  # noqa: F401  (registration)
from .version import __version__

__all__ = ['__version__']
