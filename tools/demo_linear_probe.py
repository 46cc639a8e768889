"""Demo: pre-train MAMP on the embedded synthetic skeletons, then linear-probe it.

One command, CPU only, no download::

    python tools/demo_linear_probe.py
    python tools/demo_linear_probe.py --pose-2d   # the same on 2-D COCO-17 keypoints

1. pre-trains with ``configs/demo/mamp_pretrain_demo.py`` (skipped with
   ``--pretrained CKPT``), whose k-NN monitor already compares the encoder with a
   random one,
2. trains the linear probe of ``configs/demo/mamp_linear_demo.py`` on the frozen
   pre-trained encoder,
3. trains the same probe (same seed, data order and head init) on a randomly
   initialised frozen encoder,
4. prints both accuracies on the validation split (AccMetric, single centre crop)
   and writes them to ``WORK_DIR/summary.json``.
"""

import argparse
import json
import os.path as osp
from typing import Dict, Optional

from mmengine.config import Config
from mmengine.runner import Runner

import mmaction_mamp  # noqa: F401  (registers the plugin)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
PRETRAIN_CONFIG = osp.join(REPO, 'configs', 'demo', 'mamp_pretrain_demo.py')
LINEAR_CONFIG = osp.join(REPO, 'configs', 'demo', 'mamp_linear_demo.py')
PRETRAIN_CONFIG_2D = osp.join(REPO, 'configs', 'demo', 'mamp_pretrain_demo_2d.py')
LINEAR_CONFIG_2D = osp.join(REPO, 'configs', 'demo', 'mamp_linear_demo_2d.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/demo_linear_probe')
    parser.add_argument(
        '--pretrained', help='use this pre-training checkpoint instead of pre-training first'
    )
    parser.add_argument(
        '--pretrain-epochs',
        type=int,
        help="pre-training epochs (default: the demo config's); the cosine schedule follows",
    )
    parser.add_argument(
        '--pose-2d',
        action='store_true',
        help='use the 2-D COCO-17 demo configs (mamp_pretrain_demo_2d.py, mamp_linear_demo_2d.py)',
    )
    parser.add_argument(
        '--skip-absent-persons',
        action='store_true',
        help='pre-train with the opt-in MAMP(skip_absent_persons=True) (faster, not faithful)',
    )
    return parser.parse_args()


def run(cfg: Config, work_dir: str, stage: str, checkpoint: Optional[str] = '') -> Runner:
    """Train ``cfg`` in ``work_dir``; for the probe, set the encoder checkpoint.

    Args:
        checkpoint: ``''`` keeps the config's model, a path loads that encoder,
            None trains on a randomly initialised encoder.
    """
    cfg.work_dir = work_dir
    cfg.experiment_name = stage  # the runner appends a timestamp
    cfg.launcher = 'none'
    if checkpoint is None:
        cfg.model.backbone.init_cfg = None
    elif checkpoint:
        cfg.model.backbone.init_cfg.checkpoint = checkpoint
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def stretch_schedule(cfg: Config, max_epochs: int) -> None:
    """Train ``max_epochs`` epochs; the schedulers that ran to the end of training (the cosine)
    now end there too, the warm-up keeps its length."""
    for scheduler in cfg.param_scheduler:
        if scheduler.end == cfg.train_cfg.max_epochs:
            scheduler.end = max_epochs
    cfg.train_cfg.max_epochs = max_epochs


def last_checkpoint(work_dir: str) -> str:
    """Path mmengine's CheckpointHook recorded as the last checkpoint of ``work_dir``."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def probe(linear_config: str, work_dir: str, checkpoint: Optional[str]) -> Dict[str, float]:
    """Train the linear probe of ``linear_config`` and return its validation metrics."""
    stage = 'linear_pretrained' if checkpoint else 'linear_random'
    runner = run(Config.fromfile(linear_config), osp.join(work_dir, stage), stage, checkpoint)
    return runner.test()


def main() -> None:
    args = parse_args()
    pretrain_config, linear_config = (
        (PRETRAIN_CONFIG_2D, LINEAR_CONFIG_2D) if args.pose_2d else (PRETRAIN_CONFIG, LINEAR_CONFIG)
    )
    checkpoint = args.pretrained
    if checkpoint is None:
        pretrain_dir = osp.join(args.work_dir, 'pretrain')
        cfg = Config.fromfile(pretrain_config)
        if args.pretrain_epochs:
            stretch_schedule(cfg, args.pretrain_epochs)
        cfg.model.skip_absent_persons = args.skip_absent_persons
        run(cfg, pretrain_dir, 'pretrain')
        checkpoint = last_checkpoint(pretrain_dir)
    results = {
        'MAMP pre-trained': probe(linear_config, args.work_dir, checkpoint),
        'random init': probe(linear_config, args.work_dir, None),
    }

    print(f'\nLinear probe on the synthetic demo data (val split), pre-training: {checkpoint}')
    print(f'{"frozen encoder":<18}{"top-1 %":>9}{"top-5 %":>9}')
    for name, metrics in results.items():
        top1, top5 = 100 * metrics['acc/top1'], 100 * metrics['acc/top5']
        print(f'{name:<18}{top1:>9.1f}{top5:>9.1f}')
    summary = dict(
        pretrain_config=pretrain_config, pretrained_checkpoint=checkpoint, linear_probe=results
    )
    with open(osp.join(args.work_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)


if __name__ == '__main__':
    main()
