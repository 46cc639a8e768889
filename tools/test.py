"""Evaluate a checkpoint with mmengine's runner (mmaction2's command-line interface).

Example::

    python tools/test.py configs/linear/mamp_linear_ntu60_xsub.py work_dirs/x/best.pth
    bash tools/dist_test.sh configs/linear/mamp_linear_ntu60_xsub.py CKPT 8
"""

import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import mmaction_mamp  # noqa: F401  (registers the plugin)
from mmaction_mamp.engine.hooks import add_plugin_hooks
from mmaction_mamp.engine.runs import configure_data_checks
from mmaction_mamp.utils import distributed_session, prepare_cpu_distributed
from mmaction_mamp.utils.config_loading import load_config
from mmaction_mamp.utils.preflight import exit_on_problems, testing_problems


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test an mmaction2 / MAMP model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for the evaluation logs')
    parser.add_argument('--dump', help='dump predictions to this pickle file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries, e.g. test_dataloader.batch_size=64',
    )
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument(
        '--preflight-only',
        action='store_true',
        help='check annotation files and the checkpoint, then exit (used by dist_test.sh)',
    )
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line options to the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must name a .pkl or .pickle file')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        evaluators = cfg.test_evaluator
        cfg.test_evaluator = (
            [*evaluators, dump_metric]
            if isinstance(evaluators, list)
            else [evaluators, dump_metric]
        )
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(load_config(args.config), args)
    exit_on_problems(testing_problems(cfg, args.checkpoint))
    if args.preflight_only:
        return
    add_plugin_hooks(cfg)
    prepare_cpu_distributed(cfg, args.launcher)
    configure_data_checks(cfg)
    with distributed_session():
        runner = Runner.from_cfg(cfg)
        runner.test()


if __name__ == '__main__':
    main()
