"""LayerDecayOptimWrapperConstructor: exact lr scales and weight-decay membership."""

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch import nn

from mmaction_mamp.engine.optimizers import LayerDecayOptimWrapperConstructor
from mmaction_mamp.models.backbones import MAMPTransformer

DEPTH, RATE, LR, WD = 3, 0.8, 5e-4, 0.05


class _Recognizer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.backbone = MAMPTransformer(embed_dims=4, depth=DEPTH, num_heads=2)
        self.cls_head = nn.Module()
        self.cls_head.fc1 = nn.Linear(4, 6)
        self.cls_head.decoder_pos_embed = nn.Parameter(torch.zeros(1, 1, 25, 4))
        self.cls_head.bn = nn.BatchNorm1d(6)
        self.frozen = nn.Parameter(torch.zeros(2, 2), requires_grad=False)


def _expected(name: str, param: torch.Tensor):
    if name.startswith(('backbone.joints_embed', 'backbone.pos_embed', 'backbone.temp_embed')):
        layer = 0
    elif name.startswith('backbone.blocks.'):
        layer = int(name.split('.')[2]) + 1
    else:
        layer = DEPTH + 1
    return RATE ** (DEPTH + 1 - layer), (WD if param.ndim > 1 else 0.0)


def _build(model: nn.Module, **paramwise):
    cfg = dict(
        type='OptimWrapper',
        constructor='LayerDecayOptimWrapperConstructor',
        optimizer=dict(type='AdamW', lr=LR, weight_decay=WD, betas=(0.9, 0.999)),
        paramwise_cfg=dict(layer_decay_rate=RATE, **paramwise),
    )
    with DefaultScope.overwrite_default_scope('mmaction'):
        return build_optim_wrapper(model, cfg)


def test_every_parameter_gets_exact_scale_and_decay():
    model = _Recognizer()
    optimizer = _build(model).optimizer
    where = {}
    for group in optimizer.param_groups:
        for p in group['params']:
            assert id(p) not in where, 'a parameter is in two groups'
            where[id(p)] = group
    for name, param in model.named_parameters():
        if not param.requires_grad:
            assert id(param) not in where
            continue
        scale, decay = _expected(name, param)
        group = where[id(param)]
        assert group['lr'] == pytest.approx(LR * scale, rel=1e-12), name
        assert group['weight_decay'] == decay, name
    # spot checks written out by hand
    by_name = dict(model.named_parameters())
    assert where[id(by_name['backbone.pos_embed'])]['lr'] == pytest.approx(LR * 0.8**4)
    assert where[id(by_name['backbone.pos_embed'])]['weight_decay'] == WD
    qkv0, qkv2 = 'backbone.blocks.0.attn.qkv.weight', 'backbone.blocks.2.attn.qkv.bias'
    assert where[id(by_name[qkv0])]['lr'] == pytest.approx(LR * 0.8**3)
    assert where[id(by_name[qkv2])]['lr'] == pytest.approx(LR * 0.8)
    assert where[id(by_name[qkv2])]['weight_decay'] == 0.0
    assert where[id(by_name['cls_head.decoder_pos_embed'])]['lr'] == pytest.approx(LR)
    assert where[id(by_name['backbone.norm.weight'])]['lr'] == pytest.approx(LR)
    assert where[id(by_name['cls_head.fc1.weight'])]['weight_decay'] == WD
    assert where[id(by_name['cls_head.bn.weight'])]['weight_decay'] == 0.0
    # one group per (layer, decay / no decay): layers 0..DEPTH+1, each with both kinds
    assert len(optimizer.param_groups) == 2 * (DEPTH + 2)


def test_backbone_layer_depth_follows_official_rule():
    encoder = MAMPTransformer(embed_dims=8, depth=8, num_heads=2)
    assert encoder.get_layer_depth('backbone.pos_embed', 'backbone.') == (0, 10)
    assert encoder.get_layer_depth('backbone.temp_embed', 'backbone.') == (0, 10)
    assert encoder.get_layer_depth('backbone.joints_embed.proj.bias', 'backbone.') == (0, 10)
    assert encoder.get_layer_depth('backbone.blocks.7.mlp.fc2.weight', 'backbone.') == (8, 10)
    assert encoder.get_layer_depth('blocks.0.norm1.weight') == (1, 10)
    assert encoder.get_layer_depth('backbone.norm.weight', 'backbone.') == (9, 10)
    assert encoder.get_layer_depth('head.decoder_pos_embed', 'backbone.') == (9, 10)
    assert encoder.get_layer_depth('head.decoder_blocks.0.attn.qkv.weight', 'backbone.') == (9, 10)
    for name, _ in encoder.named_parameters():  # every encoder parameter below the last layer
        assert encoder.get_layer_depth(name)[0] < 9 or name.startswith('norm.')


def test_constructor_errors():
    with pytest.raises(ValueError, match='unsupported paramwise_cfg'):
        _build(_Recognizer(), custom_keys={})
    with pytest.raises(ValueError, match='get_layer_depth'):
        _build(nn.Linear(2, 2))
    with pytest.raises(ValueError, match='layer_decay_rate'):
        LayerDecayOptimWrapperConstructor(dict(optimizer=dict(type='SGD', lr=0.1)), {})
