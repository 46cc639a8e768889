"""Write checkpoints that load with ``torch.load(weights_only=True)`` without the plugin."""

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ...utils.portable_checkpoint import from_portable, to_portable


@HOOKS.register_module()
class PortableCheckpointHook(Hook):
    """Store the message hub and meta of a checkpoint as plain data, restore them on load.

    ``before_save_checkpoint`` replaces mmengine's logging buffers and numpy
    values by tagged tensors (:func:`~mmaction_mamp.utils.to_portable`), so the
    file holds only tensors and plain containers; ``after_load_checkpoint``
    turns them back before the runner resumes, so ``--resume`` continues with
    the same smoothed logs, seed and counters. Lowest priority: it converts
    what every other hook has put into the checkpoint.
    """

    priority = 'LOWEST'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = to_portable(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = from_portable(checkpoint[key])
