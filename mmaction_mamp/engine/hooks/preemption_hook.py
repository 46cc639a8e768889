"""Save a resumable checkpoint when the job is asked to stop (SIGTERM), resume mid-epoch."""

import glob
import os
import os.path as osp
import signal
import threading

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce, barrier, get_world_size, is_main_process
from mmengine.fileio import get_file_backend
from mmengine.hooks import Hook

from ..checkpoints import BACKEND_NAME, PREEMPTED_TEMPLATE


@HOOKS.register_module()
class PreemptionHook(Hook):
    """On SIGTERM every rank finishes the iteration; the first saves ``preempted_iter_<N>.pth``
    and ``last_checkpoint`` atomically; all exit with 143 (a second SIGTERM meanwhile gets
    the previous handler). ``--resume`` skips the epoch's trained batches through the
    sampler's ``skip(n)`` (``SeededSampler``). A newer regular checkpoint removes the file."""

    priority = 'LOWEST'

    def __init__(self) -> None:
        self._signal = self._previous = self._last_ckpt = None

    def before_train(self, runner) -> None:
        self._last_ckpt = runner.message_hub.get_info('last_ckpt')
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._on_signal)

    def after_train(self, runner) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None

    def _on_signal(self, signum: int, frame) -> None:
        if self._signal is not None:  # asked twice: do what was done before
            self.after_train(None)
            signal.raise_signal(signum)
        self._signal = signum

    def before_train_epoch(self, runner) -> None:
        loader = runner.train_dataloader
        done, epoch = runner.iter - runner.epoch * len(loader), runner.epoch + 1
        sampler = getattr(loader.batch_sampler, 'sampler', None)
        if done > 0 and hasattr(sampler, 'skip'):
            sampler.skip(done * loader.batch_sampler.batch_size)
            runner.logger.info(f'Resuming mid-epoch: skipping the {done} batch(es) of epoch '
                               f'{epoch} trained before the checkpoint')  # fmt: skip
        elif done > 0:
            runner.logger.warning(f'{type(sampler).__name__} cannot skip samples: epoch {epoch} '
                                  'restarts (SeededSampler resumes exactly)')  # fmt: skip

    def after_train_epoch(self, runner) -> None:
        last_ckpt = runner.message_hub.get_info('last_ckpt')
        if last_ckpt != self._last_ckpt and is_main_process():
            for path in glob.glob(osp.join(runner.work_dir, PREEMPTED_TEMPLATE.format('*'))):
                os.remove(path)
        self._last_ckpt = last_ckpt

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        stop = torch.tensor([float(self._signal is not None)])
        if get_world_size() > 1:  # every rank stops after the same iteration
            all_reduce(stop, op='max')
        if not stop.item():
            return
        completed, backend_args = runner.iter + 1, dict(backend=BACKEND_NAME)
        name, meta = PREEMPTED_TEMPLATE.format(completed), dict(epoch=runner.epoch, iter=completed)
        path = osp.join(runner.work_dir, name)
        runner.save_checkpoint(runner.work_dir, name, meta=meta, backend_args=backend_args)
        if is_main_process():
            pointer = osp.join(runner.work_dir, 'last_checkpoint')
            get_file_backend(pointer, backend_args=backend_args).put_text(path, pointer)
        runner.logger.warning(
            f'Stopped by SIGTERM after iteration {completed}: saved {path}; continue with --resume'
        )
        if get_world_size() > 1:  # no rank leaves while the first one still writes
            barrier()
        raise SystemExit(128 + (self._signal or signal.SIGTERM))
