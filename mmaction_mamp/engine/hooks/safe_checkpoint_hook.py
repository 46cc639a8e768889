"""mmengine's CheckpointHook, with checkpoints that are safe to write, keep and read."""

import difflib
import inspect
import logging

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log
from mmengine.model import BaseModule
from mmengine.optim import BaseOptimWrapper

from ...utils.atomic_file import remove_stale_temporaries
from ...utils.errors import CheckpointError, RunConfigError
from .. import checkpoints as ckpt

#: The arguments of ``CheckpointHook`` (it would pass any other one to every save).
ARGUMENTS = sorted(set(inspect.signature(CheckpointHook).parameters) - {'kwargs'})


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """``CheckpointHook`` (same arguments, an unknown one refused when built) whose files are
    atomic (``atomic_local`` backend; ``before_train`` removes killed saves' temporary files;
    ``max_keep_ckpts=1`` keeps 2, as mmengine deletes before it writes) and load weights-only
    (message hub and meta as plain data). ``load_from`` and, when training, ``Pretrained``
    files are read weights-only before mmengine reads them; a resume into a changed schedule
    follows the config's; a test with tensors of other shapes than the model's (mmengine
    only logs ``size mismatch``) or a classifier without ``cls_head.*`` is refused.
    """

    def __init__(self, interval: int = -1, *, max_keep_ckpts: int = -1, **kwargs) -> None:
        unknown = sorted(set(kwargs) - set(ARGUMENTS))
        if unknown:
            close = [m for arg in unknown for m in difflib.get_close_matches(arg, ARGUMENTS, 1)]
            raise RunConfigError(
                f'{type(self).__name__} has no argument {", ".join(unknown)}'
                + (f' (did you mean {", ".join(close)}?)' if close else '')
                + f'; its arguments: {", ".join(ARGUMENTS)}'
            )
        if max_keep_ckpts == 1:
            message = 'max_keep_ckpts=1 keeps 2 checkpoints: mmengine deletes one before saving'
            print_log(message, logger='current', level=logging.WARNING)
        local = not ckpt.is_remote(str(kwargs.get('out_dir') or ''))
        if local and kwargs.get('backend_args') is kwargs.get('file_client_args') is None:
            kwargs['backend_args'] = dict(backend=ckpt.BACKEND_NAME)
        super().__init__(interval, max_keep_ckpts=2 if max_keep_ckpts == 1 else max_keep_ckpts,
                         **kwargs)  # fmt: skip
        self.loaded = None  # key -> shape of the state dict the run loaded

    def before_run(self, runner) -> None:
        if runner.cfg.get('load_from'):
            ckpt.load_checkpoint_weights_only(runner.cfg.load_from)
        if not isinstance(runner.optim_wrapper, BaseOptimWrapper):  # not built: no training
            return
        for name, module in ckpt.unwrap(runner.model).named_modules():
            init_cfgs = module.init_cfg if isinstance(module, BaseModule) else None
            for init_cfg in init_cfgs if isinstance(init_cfgs, list) else [init_cfgs]:
                if not (isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained'):
                    continue
                key = f'model.{name + "." if name else ""}init_cfg.checkpoint'
                hint = f'pre-train first (docs/model_zoo.md) or pass --cfg-options {key}=PATH'
                if not init_cfg.get('checkpoint'):
                    raise CheckpointError(f'{key} is not set: {hint}')
                try:
                    ckpt.load_checkpoint_weights_only(str(init_cfg['checkpoint']))
                except CheckpointError as error:
                    raise CheckpointError(f'{key}: {error}; {hint}') from error

    def before_train(self, runner) -> None:
        super().before_train(runner)
        folders = {runner.work_dir, self.out_dir} if is_main_process() else set()
        for folder in (folder for folder in folders if not ckpt.is_remote(folder)):
            for path in remove_stale_temporaries(folder):
                runner.logger.warning(f'removed {path}, left by a save that was killed')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in set(checkpoint) & {'meta', 'message_hub'}:
            checkpoint[key] = ckpt.to_portable(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in set(checkpoint) & {'meta', 'message_hub'}:
            checkpoint[key] = ckpt.from_portable(checkpoint[key])
        state = checkpoint.get('state_dict', checkpoint)
        self.loaded = {key: getattr(value, 'shape', ()) for key, value in state.items()}
        change = runner.cfg.get('resume') and ckpt.follow_config_schedule(runner, checkpoint)
        if change:
            runner.logger.warning(change)

    def before_test(self, runner) -> None:
        if self.loaded is None:
            return
        model, path = ckpt.unwrap(runner.model), runner.cfg.get('load_from')
        if hasattr(model, 'cls_head'):
            ckpt.require_classifier(self.loaded, path)
        ckpt.require_fit(self.loaded, model.state_dict(), str(path), strict=False)
