"""End-to-end (small): downstream configs train an epoch and evaluate with AccMetric."""

import subprocess
import sys
import time

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmaction_mamp.utils.official_checkpoint import convert_official_state_dict

from .helpers import REPO, write_pose_pickle, write_pretrain_checkpoint
from reference_mamp import make_official_state_dict

pytestmark = pytest.mark.slow
LINEAR = 'vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'
SMALL = dict(embed_dims=32, depth=1, num_heads=4)


def _shrink(cfg: Config, work_dir, batch: int = 4) -> Config:
    """Small encoder, tiny batches, no worker processes, fresh work dir."""
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'{work_dir.name}_{time.time_ns()}'
    cfg.launcher = 'none'
    cfg.model.backbone.update(SMALL)
    cfg.model.cls_head.in_channels = SMALL['embed_dims']
    cfg.train_dataloader.batch_sampler.global_batch_size = batch
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].update(num_workers=0, persistent_workers=False, pin_memory=False)
    for loader in ('val_dataloader', 'test_dataloader'):
        cfg[loader].batch_size = batch
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.param_scheduler = None  # one epoch at the base lr: the schedule is not under test
    cfg.default_hooks.logger.interval = 1
    return cfg


def _train_and_test(cfg: Config) -> dict:
    """Train and test ``cfg``; the reported top-1 must be the model's own hits."""
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    model = runner.model.eval()
    with torch.no_grad():
        predicted = [s for batch in runner.test_dataloader for s in model.test_step(batch)]
    hits = [s.pred_label.item() == s.gt_label.item() for s in predicted]
    assert len(hits) == len(runner.test_dataloader.dataset)
    assert metrics['acc/top1'] == pytest.approx(sum(hits) / len(hits))
    return metrics


@pytest.mark.parametrize(
    'name, fraction',
    [
        (
            'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py',
            None,
        ),
        (
            'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-10pct-keypoint-3d.py',
            0.1,
        ),
    ],
)
def test_ntu_config_on_a_tiny_pickle(tmp_path, name, fraction):
    cfg = Config.fromfile(str(REPO / name))
    ann = write_pose_pickle(tmp_path / 'ntu.pkl', num_classes=60, per_split=40 if fraction else 8)
    ckpt = write_pretrain_checkpoint(tmp_path / 'pre.pth', embed_dim=32, depth=1, num_frames=120)
    cfg.model.backbone.init_cfg.checkpoint = ckpt
    _shrink(cfg, tmp_path / 'work')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.ann_file = ann
    metrics = _train_and_test(cfg)
    assert {'acc/top1', 'acc/top5', 'acc/mean1'} <= set(metrics)
    if fraction:
        log = next((tmp_path / 'work').rglob('*.log')).read_text()
        assert 'Semi-supervised subset' in log and '4 of 40 samples' in log


@pytest.mark.parametrize(
    'name', ['configs/demo/mamp_linear_demo.py', 'configs/demo/mamp_finetune_demo.py']
)
def test_demo_config_one_epoch(tmp_path, name):
    cfg = Config.fromfile(str(REPO / name))
    ckpt = write_pretrain_checkpoint(tmp_path / 'pre.pth', embed_dim=32, depth=1, num_frames=64)
    cfg.model.backbone.init_cfg.checkpoint = ckpt
    _shrink(cfg, tmp_path / 'work')
    cfg.train_dataloader.dataset.num_per_class = 1
    cfg.val_dataloader.dataset.num_per_class = 1
    cfg.test_dataloader = cfg.val_dataloader
    _train_and_test(cfg)  # AccMetric's top-1 is the trained model's own on the 10 test clips


def test_tools_test_evaluates_a_converted_official_checkpoint(tmp_path):
    ann = write_pose_pickle(tmp_path / 'ntu.pkl', num_classes=60, per_split=6)
    official = make_official_state_dict(
        depth=1, decoder_depth=0, embed_dim=32, num_frames=120, head='linear', num_classes=60
    )
    ckpt = tmp_path / 'converted.pth'
    torch.save(dict(state_dict=convert_official_state_dict(official)[0]), ckpt)
    small = ' '.join(f'model.backbone.{k}={v}' for k, v in SMALL.items())
    linear = 'configs/skeleton/mamp/' + LINEAR
    cmd = (
        f'{sys.executable} tools/test.py {linear} {ckpt} '
        f'--work-dir {tmp_path / "work"} --cfg-options {small} model.cls_head.in_channels=32 '
        f'test_dataloader.dataset.ann_file={ann} test_dataloader.num_workers=0 '
        'test_dataloader.persistent_workers=False test_dataloader.batch_size=4'
    )
    result = subprocess.run(cmd.split(), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'acc/top1' in result.stdout + result.stderr
