"""Keep mmengine's known, harmless deprecation notices out of the training log."""

import logging

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

#: Start of the log messages mmengine's own ``CheckpointHook`` emits on every run
#: (it still builds a ``FileClient``); nothing a config can change.
KNOWN_DEPRECATIONS = (
    '"FileClient" will be deprecated in future.',
    '"HardDiskBackend" is the alias of "LocalBackend"',
)


class _DropKnownDeprecations(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(KNOWN_DEPRECATIONS)


@HOOKS.register_module()
class SilenceKnownDeprecationsHook(Hook):
    """Filter :data:`KNOWN_DEPRECATIONS` from the runner's logger (and only those).

    Installed on ``runner.logger`` in ``before_run``, before the checkpoint
    hook prepares its storage; any other warning is logged as usual.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        if not any(isinstance(f, _DropKnownDeprecations) for f in runner.logger.filters):
            runner.logger.addFilter(_DropKnownDeprecations())
