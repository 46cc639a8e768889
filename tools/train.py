"""Train a model with mmengine's runner (mmaction2's command-line interface).

Example::

    python tools/train.py configs/mamp_pretrain_ntu60.py --work-dir work_dirs/mamp
    bash tools/dist_train.sh configs/mamp_pretrain_ntu60.py 8
"""

import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import mmaction_mamp  # noqa: F401  (registers the plugin)
from mmaction_mamp.engine.hooks import add_plugin_hooks
from mmaction_mamp.engine.runs import (
    WorkDirLocked,
    configure_data_checks,
    lock_work_dir,
    newest_readable_checkpoint,
)
from mmaction_mamp.utils import (
    apply_global_batch_size,
    distributed_session,
    prepare_cpu_distributed,
)
from mmaction_mamp.utils.config_loading import load_config
from mmaction_mamp.utils.preflight import exit_on_problems, training_problems


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train an mmaction2 / MAMP model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='directory for logs and checkpoints')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or from the latest one in the work dir',
    )
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--skip-bad-samples',
        action='store_true',
        help='leave out annotations that fail the pre-flight check (listed in the work dir) '
        'instead of stopping',
    )
    parser.add_argument('--no-validate', action='store_true', help='skip validation')
    parser.add_argument(
        '--auto-scale-lr', action='store_true', help='scale lr by the actual global batch size'
    )
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument('--diff-rank-seed', action='store_true', help='different seed per rank')
    parser.add_argument('--deterministic', action='store_true', help='deterministic CUDNN')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries, e.g. train_cfg.max_epochs=10',
    )
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument(
        '--preflight-only',
        action='store_true',
        help='check annotation files and checkpoints, then exit (used by dist_train.sh)',
    )
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line options to the config."""
    if args.no_validate:
        for key in ('val_cfg', 'val_dataloader', 'val_evaluator'):
            cfg[key] = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.setdefault('auto_scale_lr', dict(base_batch_size=128))
        cfg.auto_scale_lr.enable = True
    if args.seed is not None or args.diff_rank_seed or args.deterministic:
        randomness = cfg.get('randomness') or dict()
        if args.seed is not None:
            randomness['seed'] = args.seed
        randomness['diff_rank_seed'] = args.diff_rank_seed or randomness.get(
            'diff_rank_seed', False
        )
        randomness['deterministic'] = args.deterministic
        cfg.randomness = randomness
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(load_config(args.config), args)
    exit_on_problems(training_problems(cfg))
    if args.preflight_only:
        return
    add_plugin_hooks(cfg)
    world_size = int(os.environ.get('WORLD_SIZE', 1)) if args.launcher != 'none' else 1
    apply_global_batch_size(cfg, world_size)
    prepare_cpu_distributed(cfg, args.launcher)
    rank = int(os.environ.get('RANK', 0)) if args.launcher != 'none' else 0
    try:
        with distributed_session(), lock_work_dir(cfg.work_dir, rank):
            if args.resume == 'auto':
                cfg.load_from = newest_readable_checkpoint(cfg.work_dir)
                cfg.resume = cfg.load_from is not None
            configure_data_checks(cfg, args.skip_bad_samples)
            runner = Runner.from_cfg(cfg)
            runner.train()
    except WorkDirLocked as exc:
        sys.exit(f'error: {exc}')


if __name__ == '__main__':
    main()
