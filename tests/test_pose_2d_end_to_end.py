"""End to end on 2-D poses (small): the 2-D demo pre-trains and linear-probes through the
command line, and the NTU-60 2-D linear config reads an mmaction2-style 2-D pickle."""

import json
from pathlib import Path

import mmengine
import pytest
from mmengine.config import Config

from mmaction_mamp.datasets.synthetic import generate_pose_2d

from downstream.test_end_to_end import _shrink, _train_and_test
from launch import REPO, logged_losses, run, train_command

pytestmark = pytest.mark.slow
LINEAR_2D = 'vit_mamp-ntu60-xsub-2d-pre_linear-4xb128-100e_ntu60-xsub-keypoint-2d.py'
TINY_DATA = [
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'default_hooks.logger.interval=1',
]


def test_demo_2d_pretrains_then_linear_probes(tmp_path: Path):
    pretrain_dir, probe_dir = tmp_path / 'pretrain', tmp_path / 'probe'
    run(train_command(
        'mmaction2',
        'configs/demo/mamp_pretrain_demo_2d.py',
        pretrain_dir,
        'train_cfg.max_epochs=4',
        'param_scheduler.0.end=1',
        'param_scheduler.1.begin=1',
        'param_scheduler.1.end=4',
        'train_dataloader.dataset.num_per_class=8',
        'train_dataloader.batch_sampler.global_batch_size=32',
        'default_hooks.checkpoint.interval=4',
        'custom_hooks.0.train_dataloader.dataset.num_per_class=2',  # k-NN monitor: 20 + 20 clips
        'custom_hooks.0.val_dataloader.dataset.num_per_class=2',
        *TINY_DATA,
    ))  # fmt: skip
    losses = list(logged_losses(pretrain_dir).values())
    assert len(losses) == 4 * 2  # 80 samples, batch 32, drop_last
    assert sum(losses[-3:]) / 3 < 0.8 * sum(losses[:3]) / 3
    checkpoint = pretrain_dir / 'epoch_4.pth'
    assert checkpoint.is_file()
    (log,) = pretrain_dir.glob('*/*.log')
    assert 'k-NN monitor (random init): top1' in log.read_text()  # scored on 2-D clips

    proc = run(train_command(
        'ours',
        'configs/demo/mamp_linear_demo_2d.py',
        probe_dir,
        f'model.backbone.init_cfg.checkpoint={checkpoint}',
        'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1',
        'param_scheduler.0.end=1',
        'train_dataloader.dataset.num_per_class=4',
        'val_dataloader.dataset.num_per_class=2',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        *TINY_DATA,
    ))  # fmt: skip
    assert f'load backbone. in model from: {checkpoint}' in proc.stdout + proc.stderr
    (scalars,) = probe_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    accuracy = [r['acc/top1'] for r in records if 'acc/top1' in r]
    assert len(accuracy) == 1 and 0.0 <= accuracy[0] <= 1.0


def write_2d_pickle(path: Path) -> str:
    """An ``ntu60_2d.pkl``-like file: COCO-17 pixels + scores, splits xsub_train / xsub_val."""
    annotations = generate_pose_2d(
        2, seed=0, classes=('raise_right_arm', 'lower_left_arm', 'stand_up')
    )
    names = [a['frame_dir'] for a in annotations]
    split = dict(xsub_train=names[0::2], xsub_val=names[1::2])
    mmengine.dump(dict(split=split, annotations=annotations), str(path))
    return str(path)


def test_ntu60_2d_linear_config_on_a_2d_pickle(tmp_path: Path):
    cfg = Config.fromfile(str(REPO / 'configs/skeleton/mamp' / LINEAR_2D))
    cfg.model.backbone.init_cfg = None
    _shrink(cfg, tmp_path / 'work', batch=3)
    ann_file = write_2d_pickle(tmp_path / 'ntu60_2d.pkl')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.ann_file = ann_file
    metrics = _train_and_test(cfg)  # the top-1 is the model's own hits on the 2-D clips
    assert 0.0 <= metrics['acc/mean1'] <= 1.0 and metrics['acc/top5'] >= metrics['acc/top1']
