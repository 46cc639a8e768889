"""Demo: linear-probe the demo's pre-trained MAMP encoder against a random one.

One command, CPU only, no download::

    python tools/misc/demo_linear_probe.py
    python tools/misc/demo_linear_probe.py --pose-2d   # the same on 2-D COCO-17 keypoints

1. takes the pre-training checkpoint: ``--pretrained CKPT`` if given, else the quick
   start's (``work_dirs/mamp_pretrain_demo/epoch_<last>.pth``, written by
   ``python tools/train.py configs/demo/mamp_pretrain_demo.py``) when it exists, else
   pre-trains with ``tools/train.py configs/demo/mamp_pretrain_demo.py`` into
   ``WORK_DIR/pretrain`` (also with ``--pretrain-epochs``, a recipe of its own); it says
   which,
2. trains the linear probe of ``configs/demo/mamp_linear_demo.py`` on the frozen
   pre-trained encoder,
3. trains the same probe (same seed, data order and head init) on a randomly
   initialised frozen encoder,
4. prints both accuracies on the validation split (AccMetric, single centre crop)
   and writes them to ``WORK_DIR/summary.json``.

Batch sizes are the configs' own (one process).
"""

import argparse
import json
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional, Tuple

from mmaction.registry import RUNNERS
from mmengine.config import Config
from mmengine.runner import Runner

import mmaction_mamp  # noqa: F401  (registers the plugin)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PRETRAIN_CONFIG = osp.join(REPO, 'configs', 'demo', 'mamp_pretrain_demo.py')
LINEAR_CONFIG = osp.join(REPO, 'configs', 'demo', 'mamp_linear_demo.py')
PRETRAIN_CONFIG_2D = osp.join(REPO, 'configs', 'demo', 'mamp_pretrain_demo_2d.py')
LINEAR_CONFIG_2D = osp.join(REPO, 'configs', 'demo', 'mamp_linear_demo_2d.py')
TRAIN_TOOL = osp.join(REPO, 'tools', 'train.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/demo_linear_probe')
    parser.add_argument(
        '--pretrained', help="use this pre-training checkpoint (default: the quick start's)"
    )
    parser.add_argument(
        '--quick-start-dir',
        help='work dir of the quick-start pre-training (default: work_dirs/<pre-training '
        'config name>, where tools/train.py writes it)',
    )
    parser.add_argument(
        '--pretrain-epochs',
        type=int,
        help="pre-train now for this many epochs (default: the demo config's); the cosine "
        'schedule follows',
    )
    parser.add_argument(
        '--pose-2d',
        action='store_true',
        help='use the 2-D COCO-17 demo configs (mamp_pretrain_demo_2d.py, mamp_linear_demo_2d.py)',
    )
    return parser.parse_args()


def train_probe(cfg: Config, work_dir: str, stage: str, checkpoint: Optional[str]) -> Runner:
    """Train the linear probe ``cfg`` in ``work_dir`` on the encoder of ``checkpoint``
    (None: a randomly initialised encoder)."""
    cfg.work_dir = work_dir
    cfg.experiment_name = stage  # the runner appends a timestamp
    cfg.launcher = 'none'
    if checkpoint is None:
        cfg.model.backbone.init_cfg = None
    else:
        cfg.model.backbone.init_cfg.checkpoint = checkpoint
    runner = RUNNERS.build(cfg)  # the config's runner_type, as mmaction2's train.py builds it
    runner.train()
    return runner


def stretched_schedule_options(cfg: Config, max_epochs: int) -> List[str]:
    """``--cfg-options`` that train ``max_epochs`` epochs: the schedulers that ran to the end of
    training (the cosine) now end there too, the warm-up keeps its length."""
    options = [f'train_cfg.max_epochs={max_epochs}']
    for index, scheduler in enumerate(cfg.param_scheduler):
        if scheduler.get('end') == cfg.train_cfg.max_epochs:
            options.append(f'param_scheduler.{index}.end={max_epochs}')
    return options


def quick_start_checkpoint(pretrain_config: str, work_dir: Optional[str] = None) -> str:
    """Final checkpoint path of ``tools/train.py PRETRAIN_CONFIG`` with its default work dir
    (``work_dirs/<config name>/epoch_<max_epochs>.pth``); it may not exist."""
    cfg = Config.fromfile(pretrain_config)
    if work_dir is None:
        work_dir = osp.join('work_dirs', osp.splitext(osp.basename(pretrain_config))[0])
    return osp.join(work_dir, f'epoch_{cfg.train_cfg.max_epochs}.pth')


def last_checkpoint(work_dir: str) -> str:
    """Path mmengine's CheckpointHook recorded as the last checkpoint of ``work_dir``."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def pretraining_checkpoint(args: argparse.Namespace, pretrain_config: str) -> Tuple[str, str]:
    """The encoder checkpoint to probe and where it comes from (pre-training now if needed)."""
    if args.pretrained:
        return args.pretrained, 'given with --pretrained'
    quick_start = quick_start_checkpoint(pretrain_config, args.quick_start_dir)
    if args.pretrain_epochs is None and osp.isfile(quick_start):
        return quick_start, "the quick start's pre-training"
    pretrain_dir = osp.join(args.work_dir, 'pretrain')
    command = [sys.executable, TRAIN_TOOL, pretrain_config, '--work-dir', pretrain_dir]
    if args.pretrain_epochs:
        cfg = Config.fromfile(pretrain_config)
        command += ['--cfg-options', *stretched_schedule_options(cfg, args.pretrain_epochs)]
        why = f'pre-trained now for {args.pretrain_epochs} epochs'
    else:
        why = f'pre-trained now ({quick_start} not found)'
    print(f'Pre-training: {" ".join(command)} ({why})', flush=True)
    subprocess.run(command, check=True)
    return last_checkpoint(pretrain_dir), why


def probe(linear_config: str, work_dir: str, checkpoint: Optional[str]) -> Dict[str, float]:
    """Train the linear probe of ``linear_config`` and return its validation metrics."""
    stage = 'linear_pretrained' if checkpoint else 'linear_random'
    cfg = Config.fromfile(linear_config)
    runner = train_probe(cfg, osp.join(work_dir, stage), stage, checkpoint)
    return runner.test()


def main() -> None:
    args = parse_args()
    pretrain_config, linear_config = (
        (PRETRAIN_CONFIG_2D, LINEAR_CONFIG_2D) if args.pose_2d else (PRETRAIN_CONFIG, LINEAR_CONFIG)
    )
    checkpoint, source = pretraining_checkpoint(args, pretrain_config)
    print(f'Linear probe on the encoder of {checkpoint} ({source})')
    results = {
        'MAMP pre-trained': probe(linear_config, args.work_dir, checkpoint),
        'random init': probe(linear_config, args.work_dir, None),
    }

    print(f'\nLinear probe on the synthetic demo data (val split), encoder: {checkpoint}')
    print(f'{"frozen encoder":<18}{"top-1 %":>9}{"top-5 %":>9}')
    for name, metrics in results.items():
        top1, top5 = 100 * metrics['acc/top1'], 100 * metrics['acc/top5']
        print(f'{name:<18}{top1:>9.1f}{top5:>9.1f}')
    summary = dict(
        pretrain_config=pretrain_config,
        pretrained_checkpoint=checkpoint,
        checkpoint_source=source,
        linear_probe=results,
    )
    with open(osp.join(args.work_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)


if __name__ == '__main__':
    main()
