"""Load a config the way the command-line tools do."""

import warnings

from mmengine.config import Config

#: setuptools' notice when mmengine resolves an ``mmaction::`` base config through
#: ``pkg_resources`` (still present up to setuptools 81, see requirements/runtime.txt).
PKG_RESOURCES_DEPRECATION = r'pkg_resources is deprecated as an API'


def load_config(path: str) -> Config:
    """``Config.fromfile(path)`` without setuptools' ``pkg_resources`` deprecation notice.

    The filter lives only while the file (and its ``_base_`` configs) is read.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message=PKG_RESOURCES_DEPRECATION, category=UserWarning)
        return Config.fromfile(path)
