"""LayerDecayOptimWrapperConstructor: exact lr scales and weight-decay membership."""

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch import nn

from mmaction_mamp.engine.optimizers import LayerDecayOptimWrapperConstructor
from mmaction_mamp.engine.optimizers.layer_decay_optim_wrapper_constructor import get_layer_id

DEPTH, RATE, LR, WD = 3, 0.8, 5e-4, 0.05


class _Block(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)


class _Backbone(nn.Module):
    """Parameter names as in MAMPTransformer (official encoder names)."""

    def __init__(self, dim: int = 4) -> None:
        super().__init__()
        self.joints_embed = nn.Module()
        self.joints_embed.proj = nn.Conv2d(3, dim, (4, 1))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1, 25, dim))
        self.temp_embed = nn.Parameter(torch.zeros(1, 30, 1, dim))
        self.blocks = nn.ModuleList(_Block(dim) for _ in range(DEPTH))
        self.norm = nn.LayerNorm(dim)


class _Recognizer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.backbone = _Backbone()
        self.cls_head = nn.Module()
        self.cls_head.fc1 = nn.Linear(4, 6)
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
    assert where[id(by_name['backbone.blocks.0.qkv.weight'])]['lr'] == pytest.approx(LR * 0.8**3)
    assert where[id(by_name['backbone.blocks.2.qkv.bias'])]['lr'] == pytest.approx(LR * 0.8)
    assert where[id(by_name['backbone.blocks.2.qkv.bias'])]['weight_decay'] == 0.0
    assert where[id(by_name['backbone.norm.weight'])]['lr'] == pytest.approx(LR)
    assert where[id(by_name['cls_head.fc1.weight'])]['weight_decay'] == WD
    assert where[id(by_name['cls_head.bn.weight'])]['weight_decay'] == 0.0
    # one group per (layer, decay / no decay): layers 0..DEPTH+1, each with both kinds
    assert len(optimizer.param_groups) == 2 * (DEPTH + 2)


def test_layer_ids_follow_official_rule():
    assert get_layer_id('pos_embed', 8) == 0
    assert get_layer_id('backbone.joints_embed.proj.bias', 8) == 0
    assert get_layer_id('backbone.blocks.7.mlp.fc2.weight', 8) == 8
    assert get_layer_id('blocks.11.norm1.weight', 12) == 12
    assert get_layer_id('backbone.norm.weight', 8) == 9
    assert get_layer_id('head.decoder_pos_embed', 8) == 9
    assert get_layer_id('head.decoder_blocks.0.attn.qkv.weight', 8) == 9


def test_num_layers_override_and_errors():
    model = _Recognizer()
    groups = _build(model, num_layers=5).optimizer.param_groups
    assert max(g['lr'] for g in groups) == pytest.approx(LR)
    assert min(g['lr'] for g in groups) == pytest.approx(LR * 0.8**6)
    with pytest.raises(ValueError, match='unsupported paramwise_cfg'):
        _build(model, custom_keys={})
    with pytest.raises(ValueError, match='no parameters named'):
        _build(nn.Linear(2, 2))
    with pytest.raises(ValueError, match='layer_decay_rate'):
        LayerDecayOptimWrapperConstructor(dict(optimizer=dict(type='SGD', lr=0.1)), {})
