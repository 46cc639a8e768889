"""Official MAMP checkpoints: safe loading, name mapping, conversion and equal outputs."""

import argparse
import re
import runpy
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS

from mmaction_mamp.utils.official_checkpoint import (
    convert_official_state_dict,
    load_official_checkpoint,
    map_official_key,
    official_checkpoint_kind,
)

from reference_mamp import (
    make_official_state_dict,
    reference_encoder,
    reference_finetune_logits,
    reference_linear_logits,
)

CONVERTER = Path(__file__).parents[2] / 'tools' / 'model_converters' / 'mamp2mmaction.py'
SIZES = dict(depth=2, embed_dim=32, num_heads=4, num_frames=16, num_joints=25, temporal_patch=4)
NUM_CLASSES = 6


def _official_file(path: Path, state_dict: dict) -> Path:
    """Save ``state_dict`` the way the official training script does."""
    args = argparse.Namespace(model='model.transformer.Transformer', lr=5e-4, model_args=dict())
    checkpoint = dict(model=state_dict, optimizer=dict(state={}, param_groups=[]), epoch=99)
    checkpoint.update(scaler=dict(scale=65536.0), args=args)
    torch.save(checkpoint, path)
    return path


def _recognizer(head: str) -> torch.nn.Module:
    backbone = dict(
        type='MAMPTransformer',
        embed_dims=SIZES['embed_dim'],
        depth=SIZES['depth'],
        num_heads=SIZES['num_heads'],
        num_frames=SIZES['num_frames'],
        num_joints=SIZES['num_joints'],
        temporal_patch_size=SIZES['temporal_patch'],
    )
    if head == 'linear':
        cls_head = dict(type='MAMPLinearHead', in_channels=SIZES['embed_dim'])
    else:
        cls_head = dict(
            type='MAMPFinetuneHead', in_channels=SIZES['embed_dim'], num_joints=SIZES['num_joints']
        )
    cls_head['num_classes'] = NUM_CLASSES
    return MODELS.build(dict(type='RecognizerGCN', backbone=backbone, cls_head=cls_head))


def _convert_with_tool(tmp_path: Path, official: dict, monkeypatch, capsys) -> dict:
    src = _official_file(tmp_path / 'official.pth', official)
    dst = tmp_path / 'out' / 'converted.pth'
    monkeypatch.setattr('sys.argv', ['mamp2mmaction.py', str(src), str(dst)])
    runpy.run_path(str(CONVERTER), run_name='__main__')
    printed = capsys.readouterr().out
    assert re.search(
        r'^blocks\.1\.attn\.qkv\.weight +-> backbone\.blocks\.1\.attn\.qkv\.weight', printed, re.M
    )
    converted = torch.load(dst, map_location='cpu', weights_only=True)  # plain, no allow-list
    assert converted['meta']['official_epoch'] == 99
    return converted


@pytest.mark.parametrize('head', ['linear', 'finetune'])
def test_converted_downstream_checkpoint_equals_reference(head, tmp_path, monkeypatch, capsys):
    official = make_official_state_dict(
        **SIZES, decoder_depth=0, head=head, num_classes=NUM_CLASSES, seed=3
    )
    converted = _convert_with_tool(tmp_path, official, monkeypatch, capsys)
    assert converted['meta']['official_kind'] == head
    model = _recognizer(head)
    model.load_state_dict(converted['state_dict'], strict=True)
    model.eval()

    x = torch.randn(3, 2, SIZES['num_frames'], SIZES['num_joints'], 3)
    x[2, 1] = 0  # an absent second person, as in the padded data
    with torch.no_grad():
        feats, _ = model.extract_feat(x[:, None])  # (N, M, D, TP, VP)
        logits = model.cls_head(feats)
    expected_feats = reference_encoder(official, x.flatten(0, 1), SIZES['num_heads'], 4)
    expected_feats = expected_feats.reshape(3, 2, *expected_feats.shape[1:])
    torch.testing.assert_close(feats.permute(0, 1, 3, 4, 2), expected_feats, rtol=1e-4, atol=1e-4)
    reference = reference_linear_logits if head == 'linear' else reference_finetune_logits
    expected_logits = reference(official, x, SIZES['num_heads'], 4)
    torch.testing.assert_close(logits, expected_logits, rtol=1e-4, atol=1e-4)


def test_converted_pretraining_checkpoint_feeds_backbone_prefix(tmp_path, monkeypatch, capsys):
    official = make_official_state_dict(**SIZES, decoder_depth=2, seed=4)
    converted = _convert_with_tool(tmp_path, official, monkeypatch, capsys)['state_dict']
    assert converted['head.mask_token'] is not None and 'head.decoder_pred.weight' in converted
    backbone = {k[len('backbone.') :]: v for k, v in converted.items() if k.startswith('backbone.')}
    assert len(backbone) + sum(k.startswith('head.') for k in converted) == len(official)
    model = _recognizer('linear')
    model.backbone.load_state_dict(backbone, strict=True)
    model.eval()
    x = torch.randn(2, 1, SIZES['num_frames'], SIZES['num_joints'], 3)
    with torch.no_grad():
        feats = model.backbone(x)
    expected = reference_encoder(official, x.flatten(0, 1), SIZES['num_heads'], 4)
    torch.testing.assert_close(
        feats.permute(0, 1, 3, 4, 2).flatten(0, 1), expected, rtol=1e-4, atol=1e-4
    )


def test_mapping_and_kinds():
    assert map_official_key('pos_embed') == 'backbone.pos_embed'
    assert map_official_key('norm.bias') == 'backbone.norm.bias'
    assert map_official_key('decoder_norm.bias') == 'head.decoder_norm.bias'
    assert map_official_key('mask_token') == 'head.mask_token'
    assert map_official_key('head.fc.0.running_var') == 'cls_head.bn.running_var'
    assert map_official_key('head.fc.1.weight') == 'cls_head.fc.weight'
    assert map_official_key('head.fc1.bias') == 'cls_head.fc1.bias'
    assert official_checkpoint_kind(make_official_state_dict(**SIZES)) == 'pretrain'
    encoder_only = make_official_state_dict(**SIZES, decoder_depth=0)
    assert official_checkpoint_kind(encoder_only) == 'encoder'
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
