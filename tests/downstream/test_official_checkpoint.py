"""Official MAMP checkpoints: safe loading, name mapping and refusals.

That converted official checkpoints compute the official numbers is tested against the
official code's own outputs in ``tests/test_official_golden.py``.
"""

import argparse
from pathlib import Path

import pytest
import torch

from mmaction_mamp.utils.official_checkpoint import (
    convert_official_state_dict,
    load_official_checkpoint,
    map_official_key,
    official_checkpoint_kind,
)

from reference_mamp import make_official_state_dict

SIZES = dict(depth=2, embed_dim=32, num_heads=4, num_frames=16, num_joints=25, temporal_patch=4)


def _official_file(path: Path, state_dict: dict) -> Path:
    """Save ``state_dict`` the way the official training script does."""
    args = argparse.Namespace(model='model.transformer.Transformer', lr=5e-4, model_args=dict())
    checkpoint = dict(model=state_dict, optimizer=dict(state={}, param_groups=[]), epoch=99)
    checkpoint.update(scaler=dict(scale=65536.0), args=args)
    torch.save(checkpoint, path)
    return path


def test_mapping_and_kinds():
    assert map_official_key('pos_embed') == 'backbone.pos_embed'
    assert map_official_key('norm.bias') == 'backbone.norm.bias'
    assert map_official_key('decoder_norm.bias') == 'head.decoder_norm.bias'
    assert map_official_key('mask_token') == 'head.mask_token'
    assert map_official_key('head.fc.0.running_var') == 'cls_head.bn.running_var'
    assert map_official_key('head.fc.1.weight') == 'cls_head.fc.weight'
    assert map_official_key('head.fc1.bias') == 'cls_head.fc1.bias'
    assert map_official_key('head.fc.weight') == 'cls_head.fc.weight'  # probe without its BN
    for foreign in ('mask_token_2', 'head.fc.weight_g', 'fc_norm.weight'):
        with pytest.raises(KeyError):
            map_official_key(foreign)
    assert official_checkpoint_kind(make_official_state_dict(**SIZES)) == 'pretrain'
    encoder_only = make_official_state_dict(**SIZES, decoder_depth=0)
    assert official_checkpoint_kind(encoder_only) == 'encoder'
    bare_probe = make_official_state_dict(**SIZES, decoder_depth=0)  # model/transformer.py's
    bare_probe.update({'head.fc.weight': torch.randn(6, 32), 'head.fc.bias': torch.zeros(6)})
    assert official_checkpoint_kind(bare_probe) == 'linear'
    converted, mapping = convert_official_state_dict(bare_probe)
    assert torch.equal(converted['cls_head.fc.weight'], bare_probe['head.fc.weight'])
    assert converted['cls_head.bn.running_mean'].abs().sum() == 0
    torch.testing.assert_close(converted['cls_head.bn.running_var'] + 1e-6, torch.ones(32))
    assert ('(none: identity BatchNorm)', 'cls_head.bn.running_var') in mapping
    with pytest.raises(ValueError, match='outside the official MAMP layout'):
        convert_official_state_dict({**encoder_only, 'fc_norm.weight': torch.ones(2)})
    with pytest.raises(ValueError, match='mixes'):
        both = make_official_state_dict(**SIZES, decoder_depth=0, head='linear')
        both.update(make_official_state_dict(**SIZES, decoder_depth=0, head='finetune'))
        official_checkpoint_kind(both)


_EXECUTED = []


class _Payload:
    """Unpickling this would call a function: a non-allow-listed global."""

    def __reduce__(self):
        return (_EXECUTED.append, ('ran',))


def test_loader_allows_namespace_and_refuses_everything_else(tmp_path):
    good = _official_file(tmp_path / 'good.pth', make_official_state_dict(**SIZES))
    checkpoint = load_official_checkpoint(str(good))
    assert isinstance(checkpoint['args'], argparse.Namespace) and checkpoint['epoch'] == 99

    bad = tmp_path / 'bad.pth'
    torch.save(dict(model=make_official_state_dict(**SIZES), args=_Payload()), bad)
    with pytest.raises(RuntimeError, match='refused to unpickle'):
        load_official_checkpoint(str(bad))
    assert _EXECUTED == []

    not_official = tmp_path / 'plain.pth'
    torch.save(dict(state_dict={}), not_official)
    with pytest.raises(ValueError, match='"model" state dict'):
        load_official_checkpoint(str(not_official))
