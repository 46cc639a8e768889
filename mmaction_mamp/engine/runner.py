"""mmengine's Runner with the run guarantees only a runner can give (docs/runs.md)."""

from __future__ import annotations

import datetime
from typing import Iterator, List, Optional

import torch
import torch.distributed as dist
from mmaction.registry import RUNNERS
from mmengine.config import Config, ConfigDict
from mmengine.runner import EpochBasedTrainLoop, Runner

from ..utils.errors import RunConfigError, ends_in_one_line, launch_rank
from ..utils.required_files import check_config_files
from .checkpoints import load_checkpoint_weights_only, newest_readable_checkpoint
from .work_dir_lock import WorkDirLock

#: ``default_hooks`` of every MAMP run (configs/_base_/default_runtime.py).
GUARD_HOOKS = dict(
    checkpoint='SafeCheckpointHook',
    divergence_guard='DivergenceGuardHook',
    preemption='PreemptionHook',
    data_check='SkeletonDataCheckHook',
)
PLAIN_CHECKPOINT_HOOKS = ('CheckpointHook', 'mmengine.CheckpointHook')


def with_guard_hooks(cfg: Config) -> List[str]:
    """Add the :data:`GUARD_HOOKS` ``cfg`` lacks (a plain ``CheckpointHook`` becomes a
    ``SafeCheckpointHook`` with its arguments); return the types added."""
    hooks, added = cfg.setdefault('default_hooks', ConfigDict()), []
    for key, hook_type in GUARD_HOOKS.items():
        hook = hooks.get(key, {})
        if isinstance(hook, dict) and hook.get('type', 'CheckpointHook') in PLAIN_CHECKPOINT_HOOKS:
            hooks[key] = dict(hook, type=hook_type)
            added.append(hook_type)
    return added


def dataset_cfgs(dataset: Optional[dict]) -> Iterator[dict]:
    """The dataset configs holding clips behind ``dataset`` (wrappers looked through)."""
    inner = dataset.get('datasets', dataset.get('dataset')) if dataset else None
    if inner is None:
        yield from [dataset] if dataset else []
        return
    for part in inner if isinstance(inner, (list, tuple)) else [inner]:
        yield from dataset_cfgs(part)


def with_model_needs(cfg: Config) -> None:
    """State on every dataset in skip mode what the model needs of its clips (the encoder's
    joints; labels where they are used, in the head's class range), so that skip mode drops
    every clip the data check before iteration 1 would refuse (docs/runs.md)."""
    model = cfg.get('model') or {}
    joints = model.get('backbone', {}).get('num_joints')
    classes = model.get('cls_head', {}).get('num_classes')
    loaders = [
        (cfg.get(f'{split}_dataloader'), classes, classes is not None)
        for split in ('train', 'val', 'test')
    ]
    loaders += [
        (hook.get(key), None, True)  # the k-NN monitor's: labels, no head
        for hook in cfg.get('custom_hooks') or []
        if hook.get('type') == 'KNNMonitorHook'
        for key in ('train_dataloader', 'val_dataloader')
    ]
    for loader, num_classes, labels in loaders:
        needs = dict(num_joints=joints, num_classes=num_classes, labels_required=labels)
        for dataset in dataset_cfgs((loader or {}).get('dataset')):
            if dataset.get('skip_bad_samples'):
                stated = dataset.get('sample_requirements') or {}
                needed = {key: value for key, value in needs.items() if value}
                dataset['sample_requirements'] = dict(needed, **stated)


@RUNNERS.register_module()
class MAMPRunner(Runner):
    """``Runner`` adding the guard hooks a config lacks, the file checks and the work-dir lock
    (held by a config that can train until ``train()`` ends) before anything is written,
    resume past unreadable checkpoints, one-line failures (:func:`ends_in_one_line`), gloo
    on CPU and the lr scaled on the real global batch. ``runner_type = 'MAMPRunner'``."""

    checkpoint_loaded = False

    @classmethod
    @ends_in_one_line
    def from_cfg(cls, cfg: Config) -> MAMPRunner:
        check_config_files(cfg)  # train() or test() is not known yet
        lock = WorkDirLock(cfg.work_dir)
        if cfg.get('train_cfg') and launch_rank() == 0:
            lock.acquire()
        try:
            added = with_guard_hooks(cfg)
            with_model_needs(cfg)
            runner = super().from_cfg(cfg)
        except BaseException:
            lock.release()
            raise
        if added:
            runner.logger.info(f'MAMPRunner added the hooks {added}')
        return runner

    def setup_env(self, env_cfg: dict) -> None:
        """gloo for torchrun without a GPU (mmengine 0.10.7's ``init_dist`` pins a GPU)."""
        if self.launcher == 'pytorch' and not (torch.cuda.is_available() or dist.is_initialized()):
            timeout = (env_cfg.get('dist_cfg') or {}).get('timeout', 1800)
            dist.init_process_group('gloo', timeout=datetime.timedelta(seconds=timeout))
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg: Optional[dict], model: torch.nn.Module):
        """CPU processes: DDP without device ids (mmengine 0.10.7 gives it ``LOCAL_RANK``'s GPU)."""
        if model_wrapper_cfg is None and self.distributed and not torch.cuda.is_available():
            find_unused = self.cfg.get('find_unused_parameters', False)
            model_wrapper_cfg = dict(
                device_ids=None, broadcast_buffers=False, find_unused_parameters=find_unused
            )
        return super().wrap_model(model_wrapper_cfg, model)

    def scale_lr(self, optim_wrapper, auto_scale_lr: Optional[dict] = None) -> None:
        """Linear lr scaling on the real global batch, logged (mmengine 0.10.7 reads the
        dataloader config's ``batch_size``, None when a batch sampler sets it)."""
        loader = self.train_dataloader
        per_process = loader.batch_sampler.batch_size if loader.batch_sampler else 1
        global_batch = self.world_size * per_process
        wrappers = getattr(optim_wrapper, 'optim_wrappers', dict(optim=optim_wrapper)).values()
        groups = [group for wrapper in wrappers for group in wrapper.optimizer.param_groups]
        for group in groups if auto_scale_lr and auto_scale_lr.get('enable') else []:
            group['lr'] *= global_batch / auto_scale_lr['base_batch_size']
        lrs = ', '.join(f'{lr:g}' for lr in sorted({group['lr'] for group in groups}))
        self.logger.info(
            f'global batch {global_batch} ({self.world_size} process(es) x {per_process}), lr {lrs}'
        )

    def build_param_scheduler(self, scheduler):
        """Schedulers, or one line saying what to set when one would begin at or after its
        end (mmengine 0.10.7 raises ``end should be larger than begin``)."""
        try:
            return super().build_param_scheduler(scheduler)
        except ValueError as error:
            if 'end should be larger than begin' not in str(error):
                raise
            raise RunConfigError(
                f'param_scheduler: {error} (iterations); train_cfg.max_epochs='
                f'{self.max_epochs} ends training before a scheduler begins: set it above the '
                "warm-up's epochs, or shorten the warm-up"
            ) from error

    def load_or_resume(self) -> None:
        """``cfg.load_from`` / ``cfg.resume``, read weights-only first; ``--resume`` without
        a path takes the newest checkpoint that reads (mmengine 0.10.7 keeps these choices
        in private attributes and takes ``last_checkpoint``, readable or not)."""
        resume = self.cfg.get('resume', False)
        if self.checkpoint_loaded or not (self.cfg.get('load_from') or resume):
            return
        path = self.cfg.get('load_from') or newest_readable_checkpoint(self.work_dir)
        if path is None:
            return
        load_checkpoint_weights_only(path)
        if resume:
            self.resume(path)
        else:
            self.load_checkpoint(path)
        self.checkpoint_loaded = True
        loop = self.train_loop if resume else None
        if isinstance(loop, EpochBasedTrainLoop) and loop.epoch >= loop.max_epochs:
            self.logger.warning(
                f'Resume: {path} ends the schedule (train_cfg.max_epochs={loop.max_epochs}): '
                'nothing left to train; to train longer, resume with a larger max_epochs'
            )

    @ends_in_one_line
    def train(self) -> torch.nn.Module:
        try:
            check_config_files(self.cfg, training=True)
            model = super().train()
        finally:
            WorkDirLock(self.work_dir).release()
        close_process_group()
        return model

    @ends_in_one_line
    def test(self) -> dict:
        WorkDirLock(self.work_dir).release()  # evaluation leaves the work dir to training
        check_config_files(self.cfg, training=False)
        metrics = super().test()
        close_process_group()
        return metrics


def close_process_group() -> None:
    """After a barrier, so no process aborts at exit while another still communicates."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
