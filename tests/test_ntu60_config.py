"""The real NTU-60 pre-training config: exact model size and one CPU step."""

import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from mmaction_mamp.utils.official_checkpoint import map_official_key

from reference_mamp import make_official_state_dict


def test_ntu60_config_builds_official_model_and_trains_one_step(repo_root):
    cfg = Config.fromfile(str(repo_root / 'configs' / 'mamp_pretrain_ntu60.py'))
    model = MODELS.build(cfg.model)
    official = make_official_state_dict(depth=8, decoder_depth=3)
    assert sum(p.numel() for p in model.parameters()) == 8_789_004
    shapes = {name: tuple(t.shape) for name, t in model.state_dict().items()}
    assert shapes == {map_official_key(k): tuple(t.shape) for k, t in official.items()}

    pipeline = [TRANSFORMS.build(t) for t in cfg.train_dataloader.dataset.pipeline]
    gen = torch.Generator().manual_seed(0)
    batch = []
    for i in range(2):
        results = dict(
            frame_dir=f'S001C001P001R001A00{i + 1}',
            label=i,
            total_frames=300,
            keypoint=(torch.randn(2, 300, 25, 3, generator=gen).cumsum(1) * 0.01).numpy(),
        )
        for transform in pipeline:
            results = transform(results)
        batch.append(results)
    data = dict(
        inputs=[r['inputs'] for r in batch], data_samples=[r['data_samples'] for r in batch]
    )
    assert data['inputs'][0].shape == (1, 2, 120, 25, 3)
    assert isinstance(data['data_samples'][0], ActionDataSample)
    assert data['data_samples'][0].mask.shape == (1, 2, 750)

    with DefaultScope.overwrite_default_scope(cfg.default_scope):  # the plugin's constructor
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = model.backbone.joints_embed.proj.weight.detach().clone()
    log_vars = model.train_step(data, optim_wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert not torch.equal(before, model.backbone.joints_embed.proj.weight)
    # AdamW groups: no weight decay on 1-D parameters (norms, biases)
    decay = {id(p): g['weight_decay'] for g in optim_wrapper.param_groups for p in g['params']}
    assert decay[id(model.backbone.norm.weight)] == 0
    assert decay[id(model.backbone.blocks[0].attn.qkv.bias)] == 0
    assert decay[id(model.backbone.blocks[0].attn.qkv.weight)] == 0.05
    assert decay[id(model.backbone.pos_embed)] == 0.05


@pytest.mark.parametrize(
    'name,tau,decoder_depth',
    [
        ('ntu60-xsub', 0.8, 3),
        ('ntu60-xview', 0.8, 3),
        ('ntu120-xsub', 0.75, 5),
        ('ntu120-xset', 0.75, 5),
        ('pku1-xsub', 0.8, 5),
        ('pku2-xsub', 0.8, 5),
    ],
)
def test_pretrain_configs_mask_in_one_place(repo_root, name, tau, decoder_depth):
    name = f'configs/skeleton/mamp/mamp_vit_4xb32-400e_{name}-keypoint-3d.py'
    cfg = Config.fromfile(str(repo_root / name))
    masking = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'MotionAwareMasking']
    assert masking == [
        dict(type='MotionAwareMasking', mask_ratio=0.9, tau=tau, temporal_patch_size=4)
    ]
    assert 'mask_ratio' not in cfg.model and 'tau' not in cfg.model
    assert cfg.model.head.decoder_depth == decoder_depth
