"""Build models and datasets in mmaction2's registry scope."""

import pytest
from mmaction.utils import register_all_modules

import mmaction_mamp  # noqa: F401  (DRN shim for the mmaction2 wheel, registration)


@pytest.fixture(autouse=True, scope='session')
def mmaction_scope():
    """Register mmaction2's modules and make ``mmaction`` the default scope."""
    register_all_modules(init_default_scope=True)
