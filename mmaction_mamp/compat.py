"""Make ``import mmaction.models`` work with the PyPI mmaction2 1.2.0 wheel, whose
``models/localizers/__init__.py`` imports ``.drn.drn.DRN`` but which lacks ``drn``: where
it is missing, a placeholder stands in (not registered; built directly, it says why)."""

import importlib.util
import sys
import types

_DRN_PACKAGE = 'mmaction.models.localizers.drn'
#: mmcv-lite's warning when mmaction2 imports mmcv's transformer bricks (a regex).
MMCV_LITE_WARNING = r'Fail to import ``MultiScaleDeformableAttention``'


class _MissingDRN:
    """Stand-in for mmaction2's DRN localizer absent from the PyPI wheel."""

    def __init__(self, *args, **kwargs) -> None:
        raise ImportError(
            'mmaction2 1.2.0 from PyPI does not ship mmaction.models.'
            'localizers.drn; install mmaction2 from source to use DRN.'
        )


def patch_missing_drn() -> None:
    """Install the DRN placeholder if the wheel lacks it."""
    if _DRN_PACKAGE in sys.modules:
        return
    try:
        if importlib.util.find_spec(_DRN_PACKAGE) is not None:
            return
    except ModuleNotFoundError:
        pass
    package, module = types.ModuleType(_DRN_PACKAGE), types.ModuleType(f'{_DRN_PACKAGE}.drn')
    package.__path__, package.drn, module.DRN = [], module, _MissingDRN
    sys.modules.update({_DRN_PACKAGE: package, module.__name__: module})
