"""Save a resumable checkpoint when the job is asked to stop (SIGTERM), resume mid-epoch."""

from __future__ import annotations

import logging
import os.path as osp
import signal
import threading
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce, barrier, get_world_size, is_main_process
from mmengine.hooks import Hook

from ..checkpoints import BACKEND_NAME, PREEMPTED_TEMPLATE, non_finite_weights
from .safe_checkpoint_hook import point_last_checkpoint, save_checkpoint_quietly


@HOOKS.register_module()
class PreemptionHook(Hook):
    """On SIGTERM, finish the current iteration, save a checkpoint and exit.

    Schedulers (SLURM, Kubernetes, torchrun when it stops) send SIGTERM some seconds
    before they kill a job. While training runs, this hook turns that signal into: every
    rank finishes its current iteration, the ranks agree to stop at the same one, the
    first process writes ``work_dir/preempted_iter_<N>.pth`` atomically (only when the
    weights are finite) and points ``last_checkpoint`` at it, and the process exits with
    status 128 + 15. ``--resume`` then continues from that iteration: the first epoch
    after resuming skips the batches already trained on (``SeededSampler.skip``), so the
    losses equal those of an uninterrupted run. A regular checkpoint written later makes
    the pre-emption file redundant; it is removed then.

    The handler is installed in ``before_train`` and the previous one restored in
    ``after_train``; a SIGTERM that arrives when no training runs (e.g. after a failed run
    in a notebook) gets the previous behaviour.
    """

    priority = 'LOW'

    def __init__(self) -> None:
        self._signal: Optional[int] = None
        self._previous = None
        self._training = False

    def before_train(self, runner) -> None:
        self._training = True
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._on_signal)

    def after_train(self, runner) -> None:
        self._training = False
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None

    def _on_signal(self, signum: int, frame) -> None:
        if not self._training:  # a stale handler: behave as before it was installed
            signal.signal(signum, self._previous or signal.SIG_DFL)
            signal.raise_signal(signum)
            return
        self._signal = signum

    def before_train_epoch(self, runner) -> None:
        """Skip the batches of this epoch already trained on before a mid-epoch save."""
        loader = runner.train_dataloader
        done = runner.iter - runner.epoch * len(loader)
        if done <= 0:
            return
        batch_sampler = loader.batch_sampler
        sampler = getattr(batch_sampler, 'sampler', None)
        if not hasattr(sampler, 'skip'):
            runner.logger.warning(
                f'resumed {done} iteration(s) into epoch {runner.epoch + 1}, but '
                f'{type(sampler).__name__} cannot skip samples: the epoch restarts from its '
                'first batch (use SeededSampler for exact mid-epoch resumes)'
            )
            return
        sampler.skip(done * batch_sampler.batch_size)
        runner.logger.info(
            f'Resuming mid-epoch: skipping the {done} batch(es) of epoch {runner.epoch + 1} '
            'trained before the checkpoint'
        )

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        stop = self._signal is not None
        if get_world_size() > 1:  # every rank stops after the same iteration
            flag = torch.tensor([1.0 if stop else 0.0])
            all_reduce(flag, op='max')
            stop = bool(flag.item())
        if not stop:
            return
        completed = runner.iter + 1
        filename = PREEMPTED_TEMPLATE.format(completed)
        if non_finite_weights(runner.model):
            runner.logger.warning(f'SIGTERM: the weights are not finite, {filename} not saved')
        else:
            save_checkpoint_quietly(
                runner,
                runner.work_dir,
                filename,
                meta=dict(epoch=runner.epoch, iter=completed),
                backend_args=dict(backend=BACKEND_NAME),
            )
            if is_main_process():
                point_last_checkpoint(runner.work_dir, osp.join(runner.work_dir, filename))
            runner.logger.log(
                logging.WARNING,
                f'Stopped by SIGTERM after iteration {completed}: saved '
                f'{osp.join(runner.work_dir, filename)}; continue with --resume',
            )
        if get_world_size() > 1:  # no rank leaves while the first one still writes
            barrier()
        raise SystemExit(128 + (self._signal or signal.SIGTERM))
