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

# configs carrying the paper's downstream recipes; the mixing examples on mmaction2's own
# recipe or data pipeline are checked in test_mixing.py
MIXING_EXAMPLES = ('mamp_stgcn_recipe_', 'mamp_stock_pipeline_')
DOWNSTREAM = sorted(
    str(p.relative_to(REPO))
    for folder in ('linear', 'finetune', 'semi', 'transfer', 'mixing')
    for p in (REPO / 'configs' / folder).glob('*.py')
    if not p.name.startswith(MIXING_EXAMPLES)
)
NUM_CLASSES = {'ntu60': 60, 'ntu120': 120, 'pku1': 51, 'pku2': 51}
SPLITS = ('ntu60_xsub', 'ntu60_xview', 'ntu120_xsub', 'ntu120_xset', 'pku1_xsub', 'pku2_xsub')


def _cfg(name: str) -> Config:
    return Config.fromfile(str(REPO / name))


def test_every_protocol_covers_the_six_datasets():
    for protocol in ('linear', 'finetune'):
        for split in SPLITS:
            assert f'configs/{protocol}/mamp_{protocol}_{split}.py' in DOWNSTREAM
    for pct in (1, 10):
        for split in ('ntu60_xsub', 'ntu60_xview'):
            assert f'configs/semi/mamp_semi{pct}_{split}.py' in DOWNSTREAM


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
    if name.startswith('configs/linear'):
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
    if name.startswith('configs/semi'):
        assert dataset.type == 'LabelFractionPoseDataset'
        assert dataset.label_fraction == (0.01 if 'semi1_' in name else 0.1)
    if name.startswith('configs/transfer'):
        assert 'ntu120' in cfg.model.backbone.init_cfg.checkpoint and data == 'pku2'


def _linear_model(checkpoint: str):
    cfg = _cfg('configs/linear/mamp_linear_ntu60_xsub.py')
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
