"""mmengine's Runner with the plugin's run guarantees made hard to lose."""

from __future__ import annotations

import datetime
import os
import os.path as osp
import sys
from typing import Iterator, List

import torch
import torch.distributed as dist
from mmaction.registry import RUNNERS
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel
from mmengine.runner import Runner

from ..utils.errors import AnnotationFileError, CheckpointError, RunRefused, innermost_refusal
from .checkpoints import is_remote
from .work_dir_lock import WorkDirLock

#: ``default_hooks`` entries every MAMP run has (configs/_base_/default_runtime.py lists
#: them); ``MAMPRunner`` adds the missing ones to configs that do not.
GUARD_HOOKS = dict(
    checkpoint='SafeCheckpointHook',
    work_dir_lock='WorkDirLockHook',
    divergence_guard='DivergenceGuardHook',
    preemption='PreemptionHook',
    data_check='SkeletonDataCheckHook',
)
PLAIN_CHECKPOINT_HOOKS = ('CheckpointHook', 'mmengine.CheckpointHook')
DATA_DOC = 'docs/data_preparation.md'


def with_guard_hooks(cfg: Config) -> List[str]:
    """Add the missing :data:`GUARD_HOOKS` to ``cfg.default_hooks``; return what was added.

    A plain mmengine ``CheckpointHook`` becomes a ``SafeCheckpointHook`` with the same
    arguments.
    """
    hooks = cfg.get('default_hooks') or ConfigDict()
    added = []
    for key, hook_type in GUARD_HOOKS.items():
        hook = hooks.get(key)
        if key not in hooks:
            hooks[key] = dict(type=hook_type)
        elif isinstance(hook, dict) and hook.get('type') in PLAIN_CHECKPOINT_HOOKS:
            hook['type'] = hook_type
        else:
            continue
        added.append(hook_type)
    cfg.default_hooks = hooks
    return added


def annotation_files(value) -> Iterator[str]:
    """Every local ``ann_file`` (joined with its ``data_root``) inside a config value."""
    if isinstance(value, dict):
        ann_file = value.get('ann_file')
        if isinstance(ann_file, str) and ann_file and '://' not in ann_file:
            yield osp.join(value.get('data_root') or '', ann_file)
        for item in value.values():
            yield from annotation_files(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from annotation_files(item)


def missing_annotation_files(*values) -> List[str]:
    """Every annotation file named inside ``values`` that does not exist, once each."""
    missing = []
    for path in (p for value in values for p in annotation_files(value)):
        if not osp.isfile(path) and path not in missing:
            missing.append(path)
    return missing


def check_annotation_files(*values) -> None:
    """Raise one :class:`AnnotationFileError` naming every missing annotation file."""
    missing = missing_annotation_files(*values)
    if missing:
        raise AnnotationFileError(
            f'annotation file(s) not found: {", ".join(missing)}; see {DATA_DOC}'
        )


def training_data(cfg: Config) -> tuple:
    """The config values naming the data a training run reads."""
    return cfg.get('train_dataloader'), cfg.get('val_dataloader'), cfg.get('custom_hooks')


def exit_on_refusal(error: BaseException) -> None:
    """Print a :class:`RunRefused` as one ``error:`` line (first process) and exit."""
    refusal = innermost_refusal(error)
    if int(os.environ.get('RANK', 0)) == 0:
        print(f'error: {refusal}', file=sys.stderr, flush=True)
    sys.exit(refusal.exit_code)


@RUNNERS.register_module()
class MAMPRunner(Runner):
    """mmengine's ``Runner`` that keeps every MAMP run guarantee, whatever launched it.

    Set by ``runner_type = 'MAMPRunner'`` (every config in ``configs/`` does); mmaction2's
    ``tools/train.py`` / ``test.py``, ``dist_train.sh``, ``mim train`` and this project's
    tools then build it. The guarantees themselves live in registered parts
    (``SafeCheckpointHook``, ``WorkDirLockHook``, ``DivergenceGuardHook``,
    ``PreemptionHook``, ``SkeletonDataCheckHook``, ``GlobalBatchSampler``,
    ``SafePoseDataset``), so ``Runner.from_cfg`` on these configs keeps them too. This
    runner adds what only a runner can do:

    - fills in the guard hooks a config lacks (one line, ``runner_type``, brings them to
      any mmaction2 config that uses MAMP parts);
    - takes the work-dir lock before a training run writes into the work dir (only its own
      timestamped log folder exists by then) and dumps the config only once it holds it;
    - checks that the config's annotation files and ``load_from`` exist before it builds
      or writes anything;
    - ends the process with one ``error:`` line (exit status 2, 3 for divergence) for the
      plugin's refusals (bad data, missing files, unsafe checkpoints, a work dir in use)
      instead of a traceback; in a notebook that is a ``SystemExit``;
    - runs ``dist_train.sh`` on CPU-only machines over gloo (mmengine's launcher needs a
      GPU); a collective that waits ``env_cfg.dist_cfg.timeout`` seconds for a stuck or
      dead peer ends the run with one line (exit status 4);
    - makes ``auto_scale_lr`` read the real global batch of ``GlobalBatchSampler``;
    - closes the process group after a barrier when the run ends, so no rank aborts at
      exit while another still communicates.
    """

    @classmethod
    def from_cfg(cls, cfg: Config) -> MAMPRunner:
        try:
            # A run trains or tests, which is not known yet: stop here (before anything is
            # written) when both would miss data; otherwise train() / test() check theirs.
            if missing_annotation_files(*training_data(cfg)) and (
                missing_annotation_files(cfg.get('test_dataloader'))
                or not cfg.get('test_dataloader')
            ):
                check_annotation_files(*training_data(cfg), cfg.get('test_dataloader'))
            load_from = cfg.get('load_from')
            if load_from and not is_remote(load_from) and not osp.isfile(load_from):
                raise CheckpointError(f'checkpoint {load_from} not found')
            added = with_guard_hooks(cfg)
            if added:
                print_log(f'MAMPRunner added the hooks {added}', logger='current')
            return super().from_cfg(cfg)
        except RunRefused as error:
            exit_on_refusal(error)

    def setup_env(self, env_cfg: dict) -> None:
        """Open a gloo process group first when launched distributed without a GPU."""
        if self.cpu_distributed and not dist.is_initialized():
            timeout = (env_cfg.get('dist_cfg') or {}).get('timeout')
            dist.init_process_group(
                backend='gloo',
                rank=int(os.environ['RANK']),
                world_size=int(os.environ['WORLD_SIZE']),
                timeout=datetime.timedelta(seconds=timeout) if timeout else None,
            )
        super().setup_env(env_cfg)

    @property
    def cpu_distributed(self) -> bool:
        """Launched by torchrun (``--launcher pytorch``) on a machine without a GPU."""
        return self._launcher == 'pytorch' and not torch.cuda.is_available()

    def wrap_model(self, model_wrapper_cfg, model):
        """DistributedDataParallel without device ids for CPU processes."""
        if not (self.distributed and self.cpu_distributed and model_wrapper_cfg is None):
            return super().wrap_model(model_wrapper_cfg, model)
        return MMDistributedDataParallel(
            module=model,
            broadcast_buffers=False,
            find_unused_parameters=self.cfg.get('find_unused_parameters', False),
        )

    def dump_config(self) -> None:
        """Deferred to :meth:`train` / :meth:`test`, once the run holds its work dir."""

    def scale_lr(self, optim_wrapper, auto_scale_lr=None) -> None:
        """mmengine's linear lr scaling, with the batch of a ``GlobalBatchSampler``."""
        batch_sampler = self.train_dataloader.batch_sampler
        if isinstance(self._train_dataloader, dict) and batch_sampler is not None:
            self._train_dataloader['batch_size'] = batch_sampler.batch_size
        super().scale_lr(optim_wrapper, auto_scale_lr)
        lrs = sorted({group['lr'] for group in optim_wrapper.param_groups})
        self.logger.info(
            f'global batch {self.world_size * batch_sampler.batch_size} '
            f'({self.world_size} process(es) x {batch_sampler.batch_size}), '
            f'lr {", ".join(f"{lr:g}" for lr in lrs)}'
        )

    def train(self) -> torch.nn.Module:
        lock = WorkDirLock(self.work_dir) if self.rank == 0 else None
        try:
            check_annotation_files(*training_data(self.cfg))
            if lock is not None:
                lock.acquire()
            super().dump_config()
            model = super().train()
        except RunRefused as error:
            exit_on_refusal(error)
        except RuntimeError as error:
            self._exit_on_peer_timeout(error)
            raise
        finally:
            if lock is not None:
                lock.release()
        self._close_process_group()
        return model

    def test(self) -> dict:
        try:
            check_annotation_files(self.cfg.get('test_dataloader'))
            super().dump_config()
            metrics = super().test()
        except RunRefused as error:
            exit_on_refusal(error)
        self._close_process_group()
        return metrics

    def _exit_on_peer_timeout(self, error: RuntimeError) -> None:
        """Report a collective that timed out (a stuck or dead peer) in one line and exit."""
        if not (dist.is_available() and dist.is_initialized() and 'Timed out' in str(error)):
            return
        timeout = (self.cfg.get('env_cfg') or {}).get('dist_cfg', {}).get('timeout')
        waited = f'waited {timeout} s' if timeout else 'timed out waiting'
        print(
            f'error: rank {self.rank} {waited} for another process in a collective: a peer is '
            'stuck or dead, the run stops (env_cfg.dist_cfg.timeout sets the wait)',
            file=sys.stderr,
            flush=True,
        )
        sys.exit(4)

    @staticmethod
    def _close_process_group() -> None:
        if dist.is_available() and dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()
