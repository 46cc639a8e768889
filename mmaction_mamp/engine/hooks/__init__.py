"""Runner hooks."""

from .knn_monitor_hook import KNNMonitorHook
from .known_deprecations_hook import SilenceKnownDeprecationsHook
from .plugin_hooks import PLUGIN_HOOKS, add_plugin_hooks
from .portable_checkpoint_hook import PortableCheckpointHook

__all__ = [
    'KNNMonitorHook',
    'PLUGIN_HOOKS',
    'PortableCheckpointHook',
    'SilenceKnownDeprecationsHook',
    'add_plugin_hooks',
]
