"""Make ``import mmaction.models`` work with the PyPI mmaction2 1.2.0 wheel.

The wheel ships ``mmaction/models/localizers/__init__.py`` importing
``.drn.drn.DRN`` but leaves the ``drn`` package out, so importing any model
module of mmaction2 raises ``ModuleNotFoundError``. MAMP never needs the DRN
temporal-grounding localizer, so when (and only when) that package is missing
we put a placeholder package in ``sys.modules``. Its ``DRN`` is deliberately
*not* registered in ``MODELS``: a config asking for ``type='DRN'`` still fails
with mmengine's usual "not in the model registry" error, and constructing the
placeholder directly explains what is missing. A complete mmaction2 install
(source checkout) is left untouched.
"""

import importlib.util
import sys
import types

_DRN_PACKAGE = 'mmaction.models.localizers.drn'
#: Start of the warning mmcv-lite gives when mmaction2 imports mmcv's transformer
#: bricks (a regular expression for ``warnings.filterwarnings``).
MMCV_LITE_WARNING = r'Fail to import ``MultiScaleDeformableAttention``'


class _MissingDRN:
    """Stand-in for mmaction2's DRN localizer absent from the PyPI wheel."""

    def __init__(self, *args, **kwargs) -> None:
        raise ImportError(
            'mmaction2 1.2.0 from PyPI does not ship mmaction.models.'
            'localizers.drn; install mmaction2 from source to use DRN.'
        )


def _module_is_missing(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is None
    except ModuleNotFoundError:
        return True


def patch_missing_drn() -> bool:
    """Install the DRN placeholder if the wheel lacks it.

    Returns:
        bool: True when the placeholder was installed.
    """
    if _DRN_PACKAGE in sys.modules or not _module_is_missing(_DRN_PACKAGE):
        return False
    package = types.ModuleType(_DRN_PACKAGE)
    package.__path__ = []
    module = types.ModuleType(f'{_DRN_PACKAGE}.drn')
    module.DRN = _MissingDRN
    package.drn = module
    sys.modules[_DRN_PACKAGE] = package
    sys.modules[module.__name__] = module
    return True
