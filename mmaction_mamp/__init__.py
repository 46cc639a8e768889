"""MAMP (Masked Motion Predictors) for mmaction2.

Importing this package registers every component into mmaction2's registries
(scope ``mmaction``); configs load it with
``custom_imports = dict(imports=['mmaction_mamp'], allow_failed_imports=False)``.
It changes no process-wide state beyond that registration (and the placeholder
for the DRN localizer missing from mmaction2's 1.2.0 wheel, see ``compat.py``).
"""

import warnings

from .compat import MMCV_LITE_WARNING, patch_missing_drn

# mmaction2's model zoo imports mmcv's transformer bricks, which warn once that
# mmcv-lite has no compiled MultiScaleDeformableAttention; skeleton models never
# use it. The filter only lives while the imports below run.
with warnings.catch_warnings():
    warnings.filterwarnings('ignore', message=MMCV_LITE_WARNING, category=UserWarning)
    patch_missing_drn()
    from . import datasets, engine, models, utils  # noqa: F401  (registration)
from .version import __version__

__all__ = ['__version__']
