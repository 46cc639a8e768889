"""The MAMP encoder inside mmaction2's stock RecognizerGCN with its stock GCNHead."""

import os
import subprocess
import sys

import pytest
import torch
from mmaction.models.heads import GCNHead
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import Compose

from mmaction_mamp.datasets import SyntheticSkeletonDataset
from mmaction_mamp.models.heads.mamp_linear_head import MAMPLinearHead

from .helpers import REPO

STOCK_PIPELINE = 'configs/mixing/vit_stgcn-pipeline_1xb32-5e_synthetic-keypoint-3d.py'

DIMS = dict(embed_dims=32, depth=1, num_heads=4, num_frames=16)


def test_recognizergcn_with_gcnhead_trains_and_predicts():
    cfg = Config.fromfile(
        str(
            REPO
            / 'configs/mixing/vit_mamp-ntu60-xsub-pre_gcnhead-4xb24-100e_ntu60-xsub-keypoint-3d.py'
        )
    )
    cfg.model.backbone.update(DIMS, init_cfg=None)
    cfg.model.cls_head.in_channels = DIMS['embed_dims']
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'RecognizerGCN' and type(model.cls_head) is GCNHead

    inputs = torch.randn(3, 1, 2, 16, 25, 3)  # (N, clips, M, T, V, C) as the data pipeline packs
    samples = [ActionDataSample().set_gt_label(label) for label in (0, 5, 59)]
    losses = model(inputs, samples, mode='loss')
    assert losses['loss_cls'].requires_grad and torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    assert model.backbone.blocks[0].attn.qkv.weight.grad is not None

    model.eval()
    with torch.no_grad():
        predictions = model(inputs, samples, mode='predict')
        feats, _ = model.extract_feat(inputs)
    assert feats.shape == (3, 2, 32, 4, 25)
    assert predictions[0].pred_score.shape == (60,)
    # the stock head pools exactly like MAMP's linear probe
    pooled = model.cls_head.pool(feats.flatten(0, 1)).view(3, 2, 32).mean(1)
    linear = MAMPLinearHead(num_classes=60, in_channels=32)
    torch.testing.assert_close(pooled, linear.pool(feats))


def test_stgcn_config_through_mmaction_inheritance_runs_its_stock_pipeline():
    # `_base_ = 'mmaction::...'` resolves through pkg_resources (setuptools < 82, runtime req.)
    path = (
        REPO
        / 'configs/mixing/vit_mamp-ntu60-xsub-pre_stgcn-recipe-8xb16-80e_ntu60-xsub-keypoint-3d.py'
    )
    assert "_base_ = 'mmaction::skeleton/stgcn/" in path.read_text()
    cfg = Config.fromfile(str(path))
    # mmaction2's own ST-GCN data recipe, untouched
    assert [t['type'] for t in cfg.val_pipeline] == [
        'PreNormalize3D', 'GenSkeFeat', 'UniformSampleFrames', 'PoseDecode',
        'FormatGCNInput', 'PackActionInputs',
    ]  # fmt: skip
    assert cfg.train_dataloader.dataset.type == 'RepeatDataset'
    assert cfg.model.backbone.type == 'MAMPTransformer' and 'graph_cfg' not in cfg.model.backbone

    sample = SyntheticSkeletonDataset(split='val', num_per_class=1, pipeline=[])[3]
    packed = Compose(cfg.val_pipeline)(dict(sample, start_index=0, modality='Pose'))
    assert packed['inputs'].shape == (1, 2, 100, 25, 3)  # (clips, M, T, V, C)

    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        (prediction,) = model(packed['inputs'][None], [packed['data_samples']], mode='predict')
        feats, _ = model.extract_feat(packed['inputs'][None])
    assert feats.shape == (1, 2, 256, 25, 25)  # 100 frames / 4 -> 25 time tokens
    assert prediction.pred_score.shape == (60,)
    torch.testing.assert_close(prediction.pred_score.sum(), torch.tensor(1.0))


@pytest.mark.slow
def test_stock_pipeline_demo_trains_on_the_embedded_data(tmp_path):
    proc = subprocess.run(
        [
            sys.executable, 'tools/train.py', STOCK_PIPELINE,
            '--work-dir', str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1',
            'train_cfg.val_interval=1', 'train_dataloader.dataset.num_per_class=4',
            'val_dataloader.dataset.num_per_class=2', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
            'val_dataloader.persistent_workers=False',
        ],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1'),
        capture_output=True,
        text=True,
        timeout=400,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'Epoch(val) [1][1/1]    acc/top1:' in proc.stdout + proc.stderr
    checkpoint = torch.load(tmp_path / 'epoch_1.pth', weights_only=True)
    assert 'cls_head.fc.weight' in checkpoint['state_dict']
    assert checkpoint['state_dict']['backbone.temp_embed'].shape == (1, 16, 1, 96)
