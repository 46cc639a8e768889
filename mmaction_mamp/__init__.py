"""MAMP (Masked Motion Predictors) for mmaction2.

Importing this package registers every component into mmaction2's registries
(scope ``mmaction``); configs load it with
``custom_imports = dict(imports=['mmaction_mamp'], allow_failed_imports=False)``.
"""

from .compat import patch_missing_drn

patch_missing_drn()

from . import datasets, engine, models, utils  # noqa: E402,F401  (registration)
from .utils import allow_mmengine_checkpoints  # noqa: E402

allow_mmengine_checkpoints()
from .version import __version__  # noqa: E402

__all__ = ['__version__']
