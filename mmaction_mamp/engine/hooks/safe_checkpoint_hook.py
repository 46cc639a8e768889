"""mmengine's CheckpointHook, with checkpoints that are safe to write, keep and read."""

from __future__ import annotations

import glob
import logging
import os
import os.path as osp
from contextlib import contextmanager
from typing import Iterator, Optional

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.model import BaseModule
from mmengine.runner import BaseLoop

from ...utils.atomic_file import atomic_write_bytes
from ...utils.errors import CheckpointError, TrainingDiverged
from ..checkpoints import (
    BACKEND_NAME,
    PREEMPTED_TEMPLATE,
    from_portable,
    is_remote,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    non_finite_weights,
    to_portable,
    unwrap,
)

#: Start of the notices mmengine logs when its CheckpointHook sets up and when it saves the
#: first checkpoint (both still build a deprecated ``FileClient``); nothing a config can
#: change.
FILE_CLIENT_NOTICES = (
    '"FileClient" will be deprecated in future.',
    '"HardDiskBackend" is the alias of "LocalBackend"',
)


class _DropNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(FILE_CLIENT_NOTICES)


@contextmanager
def _without_file_client_notices(logger: logging.Logger) -> Iterator[None]:
    notice_filter = _DropNotices()
    logger.addFilter(notice_filter)
    try:
        yield
    finally:
        logger.removeFilter(notice_filter)


def check_pretrained_checkpoints(model) -> None:
    """Read the ``checkpoint`` of every ``Pretrained`` init config in the model weights-only.

    Raises:
        CheckpointError: a ``Pretrained`` init config names no checkpoint, or one that
            cannot be read; the message says which config key to set.
    """
    for name, module in unwrap(model).named_modules():
        init_cfgs = getattr(module, 'init_cfg', None) if isinstance(module, BaseModule) else None
        for init_cfg in init_cfgs if isinstance(init_cfgs, list) else [init_cfgs]:
            if not (isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained'):
                continue
            key = f'model.{name}.init_cfg.checkpoint' if name else 'model.init_cfg.checkpoint'
            hint = f'pre-train first (docs/model_zoo.md) or pass --cfg-options {key}=PATH'
            if not init_cfg.get('checkpoint'):
                raise CheckpointError(f'{key} is not set: {hint}')
            try:
                load_checkpoint_weights_only(str(init_cfg['checkpoint']))
            except CheckpointError as error:
                raise CheckpointError(f'{key}: {error}; {hint}') from error


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """``CheckpointHook`` whose checkpoints survive kills, load anywhere and never run code.

    Takes every argument of mmengine's ``CheckpointHook``, and changes this:

    - **Atomic writes.** A local work dir is written through the ``atomic_local`` file
      backend (temporary file, fsync, rename), ``last_checkpoint`` too: a kill or a full
      disk never leaves a partial file.
    - **Portable files.** The message hub and meta are stored as tensors and plain
      containers and restored on load, so every checkpoint loads with
      ``torch.load(path, weights_only=True)`` in any process, with or without this plugin,
      and ``--resume`` continues exactly.
    - **Never a diverged checkpoint.** Before anything is written or rotated out, the
      weights are checked: a NaN or infinity stops the run (:class:`TrainingDiverged`)
      and every earlier checkpoint stays. A new checkpoint is written before the oldest
      kept one is deleted.
    - **Safe reads.** Before the run reads any checkpoint (``resume``, ``load_from``,
      ``Pretrained`` init configs), the file is read with ``weights_only=True`` passed
      explicitly, whatever torch's default or ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` say: a
      file that would run code, a truncated, empty or missing one stops the run with one
      line naming it. Remote files are refused (download them first).
    - **Resume past damage.** ``--resume`` without a path takes the newest checkpoint of
      the work dir that reads, logging each file it skips and why; with checkpoints present
      but none readable it stops instead of starting over.
    - **Testing a classifier** with a checkpoint that holds no ``cls_head.*`` weights (a
      pre-training checkpoint) is refused: it would score a random head.
    - The parent's deprecated ``FileClient`` notices are kept out of the log.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.file_client_args is None and self.backend_args is None:
            self.backend_args = dict(backend=BACKEND_NAME)
        self._loaded_classifier_weights: Optional[bool] = None

    def before_run(self, runner) -> None:
        """Choose the resume checkpoint and read every checkpoint the run will load."""
        # mmengine keeps what ``--resume`` / ``load_from`` asked for in these attributes
        # and reads them right after ``before_run`` (``Runner.load_or_resume``).
        if runner._resume and runner._load_from is None:
            runner._load_from = newest_readable_checkpoint(runner.work_dir)
        if runner._load_from:
            load_checkpoint_weights_only(runner._load_from)
        if isinstance(runner._train_loop, BaseLoop):  # training: init_cfg weights are read
            check_pretrained_checkpoints(runner.model)

    def before_train(self, runner) -> None:
        """The parent's set-up (storage, rotation state) without its deprecation notices."""
        if self.out_dir is None and not is_remote(runner.work_dir):
            self.out_dir = runner.work_dir
        with _without_file_client_notices(runner.logger):
            super().before_train(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Store the message hub and meta as plain data."""
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = to_portable(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Restore the message hub and meta; note whether classifier weights came along."""
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = from_portable(checkpoint[key])
        state_dict = checkpoint.get('state_dict', checkpoint)
        self._loaded_classifier_weights = any(str(k).startswith('cls_head.') for k in state_dict)

    def before_test(self, runner) -> None:
        """Refuse to score a classifier whose head was not in the loaded checkpoint."""
        if self._loaded_classifier_weights is False and hasattr(unwrap(runner.model), 'cls_head'):
            path = runner._load_from
            raise CheckpointError(
                f'{path} holds no classification head (cls_head.*), e.g. a pre-training '
                'checkpoint: testing it would score a random head. Train the classifier on '
                f'top of it first (--cfg-options model.backbone.init_cfg.checkpoint={path}), '
                'then test the checkpoint that run writes'
            )

    def _save_best_checkpoint(self, runner, metrics) -> None:
        """mmengine's best-checkpoint logic, after the weights check, without its notices."""
        self._stop_if_diverged(runner, 'the best checkpoint')
        with _without_file_client_notices(runner.logger):
            super()._save_best_checkpoint(runner, metrics)

    @staticmethod
    def _stop_if_diverged(runner, what: str) -> None:
        """Raise :class:`TrainingDiverged` before anything is written or deleted."""
        bad = non_finite_weights(runner.model)
        if bad:
            raise TrainingDiverged(
                f'not saving {what}: {len(bad)} weight tensor(s) hold NaN or infinity '
                f'(first: {bad[0]}) after iteration {runner.iter}; the earlier checkpoints '
                'are kept. Lower the learning rate or clip gradients '
                '(optim_wrapper.clip_grad=dict(max_norm=1.0)) and resume from the last one'
            )

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        """Check the weights, save, then rotate out the oldest kept checkpoint."""
        filename = self.filename_tmpl.format(step)
        self._stop_if_diverged(runner, filename)
        rotated_out = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                rotated_out.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        save_checkpoint_quietly(
            runner,
            self.out_dir,
            filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args,
        )
        if not is_main_process():
            return
        point_last_checkpoint(runner.work_dir, self.last_ckpt)
        for preempted in glob.glob(osp.join(runner.work_dir, PREEMPTED_TEMPLATE.format('*'))):
            os.remove(preempted)  # superseded by the checkpoint just written
        for old_step in rotated_out:
            old = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old_step))
            if self.file_backend.isfile(old):
                self.file_backend.remove(old)


def save_checkpoint_quietly(runner, *args, **kwargs) -> None:
    """``runner.save_checkpoint`` without mmengine's ``FileClient`` notices."""
    with _without_file_client_notices(runner.logger):
        runner.save_checkpoint(*args, **kwargs)


def point_last_checkpoint(work_dir: str, checkpoint: str) -> None:
    """Write ``work_dir/last_checkpoint`` (what mmengine resumes from) atomically."""
    atomic_write_bytes(osp.join(work_dir, 'last_checkpoint'), str(checkpoint).encode())
