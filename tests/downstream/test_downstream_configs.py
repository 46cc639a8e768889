"""Downstream configs: they build, carry the spec's recipe and load pre-trained weights."""

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import load_checkpoint

from .helpers import REPO, write_pretrain_checkpoint

# configs carrying the paper's downstream recipes (and the GCNHead mixing example on that
# recipe); the mixing examples on mmaction2's own recipe or pipeline are in test_mixing.py
DOWNSTREAM = sorted(
    [str(p.relative_to(REPO)) for p in (REPO / 'configs/skeleton/mamp').glob('vit_mamp-*.py')]
    + ['configs/mixing/vit_mamp-ntu60-xsub-pre_gcnhead-4xb24-100e_ntu60-xsub-keypoint-3d.py']
)
NUM_CLASSES = {'ntu60': 60, 'ntu120': 120, 'pku1': 51, 'pku2': 51}
DATASETS = ('ntu60-xsub', 'ntu60-xview', 'ntu120-xsub', 'ntu120-xset', 'pku1-xsub', 'pku2-xsub')


def _cfg(name: str) -> Config:
    return Config.fromfile(str(REPO / name))


def test_every_protocol_covers_the_six_datasets():
    for data in DATASETS:
        for protocol in ('linear-4xb128', 'finetune-4xb24'):
            name = (
                f'configs/skeleton/mamp/vit_mamp-{data}-pre_{protocol}-100e_{data}-keypoint-3d.py'
            )
            assert name in DOWNSTREAM
    for pct in (1, 10):
        for data in ('ntu60-xsub', 'ntu60-xview'):
            semi = f'vit_mamp-{data}-pre_finetune-4xb24-100e_{data}-{pct}pct-keypoint-3d.py'
            assert f'configs/skeleton/mamp/{semi}' in DOWNSTREAM


@pytest.mark.parametrize('name', DOWNSTREAM)
def test_config_builds_with_the_spec_recipe(name):
    cfg = _cfg(name)
    dataset = cfg.train_dataloader.dataset
    data = Path(dataset.ann_file).stem.split('_')[0]
    assert cfg.model.cls_head.num_classes == NUM_CLASSES[data]
    assert dataset.split.endswith('_train') and cfg.test_dataloader.dataset.split.endswith('_val')
    assert cfg.model.backbone.init_cfg == dict(
        type='Pretrained', checkpoint=cfg.model.backbone.init_cfg.checkpoint, prefix='backbone.'
    )
    assert cfg.test_evaluator.type == 'AccMetric'
    model = MODELS.build(cfg.model)
    groups = build_optim_wrapper(model, cfg.optim_wrapper).optimizer.param_groups
    if '_linear-' in name:
        assert cfg.train_dataloader.batch_sampler.global_batch_size == 512
        assert cfg.train_dataloader.batch_size is None
        assert model.backbone.frozen and not any(
            p.requires_grad for p in model.backbone.parameters()
        )
        assert cfg.optim_wrapper.optimizer == dict(
            type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0
        )
        # the official centre crop (2-D configs: of the detected span, after normalisation)
        crop = next(
            step for step in cfg.test_dataloader.dataset.pipeline if 'CropResize' in step.type
        )
        assert crop.type in ('ValidCropResize', 'DetectedCropResize')
        assert crop.clip_len == 120 and crop.p_interval == (0.95,)
    else:
        assert cfg.train_dataloader.batch_sampler.global_batch_size == 96
        assert cfg.train_dataloader.batch_size is None
        assert model.backbone.blocks[-1].drop_path.drop_prob == pytest.approx(0.3)
        assert model.cls_head.label_smooth_eps == 0.1
        assert cfg.optim_wrapper.constructor == 'LayerDecayOptimWrapperConstructor'
        lrs = sorted({round(g['lr'], 12) for g in groups})
        assert lrs == sorted(round(5e-4 * 0.8 ** (9 - layer), 12) for layer in range(10))
    if 'pct-' in name:  # semi-supervised
        assert dataset.type == 'LabelFractionPoseDataset'
        assert dataset.label_fraction == (0.01 if '-1pct-' in name else 0.1)
    # the encoder comes from the pre-training the name states, e.g. ntu120-xsub-pre (transfer)
    pretrained_on = name.split('vit_mamp-')[1].split('-pre_')[0].replace('-2d', '')
    assert f'400e_{pretrained_on}-keypoint' in cfg.model.backbone.init_cfg.checkpoint


def _linear_model(checkpoint: str):
    cfg = _cfg(
        'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'
    )
    cfg.model.backbone.init_cfg.checkpoint = checkpoint
    return MODELS.build(cfg.model)


def test_init_cfg_pretrained_loads_the_encoder(tmp_path):
    path = write_pretrain_checkpoint(tmp_path / 'pre.pth', embed_dim=256, depth=8, num_frames=120)
    model = _linear_model(path)
    model.init_weights()
    stored = torch.load(path, weights_only=True)['state_dict']
    for name, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, stored[f'backbone.{name}'])


def test_temporal_embedding_of_another_clip_length_is_resized_bicubically(tmp_path):
    path = write_pretrain_checkpoint(tmp_path / 'pre64.pth', embed_dim=256, depth=8, num_frames=64)
    model = _linear_model(path)
    model.init_weights()
    stored = torch.load(path, weights_only=True)['state_dict']['backbone.temp_embed']  # (1,16,1,D)
    expected = F.interpolate(
        stored.permute(0, 3, 1, 2), size=(30, 1), mode='bicubic', align_corners=False
    ).permute(0, 2, 3, 1)
    assert model.backbone.temp_embed.shape == (1, 30, 1, 256)
    torch.testing.assert_close(model.backbone.temp_embed.data, expected)


def test_mismatched_encoder_is_a_clear_error(tmp_path):
    path = write_pretrain_checkpoint(tmp_path / 'small.pth', embed_dim=128, depth=8, num_frames=120)
    model = _linear_model(path)
    with pytest.raises(ValueError, match='shape mismatches'):
        model.init_weights()


def test_load_from_a_pretraining_checkpoint_fills_the_backbone(tmp_path):
    path = write_pretrain_checkpoint(tmp_path / 'pre.pth', embed_dim=256, depth=8, num_frames=120)
    model = _linear_model(path)
    load_checkpoint(model, path, strict=False)  # what `load_from=PATH` does
    stored = torch.load(path, weights_only=True)['state_dict']
    torch.testing.assert_close(model.backbone.pos_embed.data, stored['backbone.pos_embed'])
