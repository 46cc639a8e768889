"""The hooks every run of this plugin's tools gets, whatever the config says."""

from mmengine.config import Config

#: Set in ``configs/_base_/default_runtime.py``; a config that defines its own
#: ``custom_hooks`` replaces that list, so the tools add what is missing.
PLUGIN_HOOKS = ('PortableCheckpointHook', 'SilenceKnownDeprecationsHook')


def add_plugin_hooks(cfg: Config) -> None:
    """Append each of :data:`PLUGIN_HOOKS` missing from ``cfg.custom_hooks``."""
    hooks = list(cfg.get('custom_hooks') or [])
    present = {hook.get('type') for hook in hooks}
    hooks += [dict(type=name) for name in PLUGIN_HOOKS if name not in present]
    cfg.custom_hooks = hooks
