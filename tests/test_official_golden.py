"""Equivalence with the official MAMP code itself, on its recorded outputs.

``<repo root>/../shared/golden`` holds small models saved by the official code
(github.com/maoyunyao/MAMP) in its checkpoint layout and what that code computed from them
(its README says how). Every official ``.pth`` goes the way a user's official checkpoint goes:
``tools/model_converters/mamp2mmaction.py`` converts it (reading the ``argparse.Namespace``
under ``args`` without unrestricted unpickling), mmengine's ``load_checkpoint`` loads the
result strictly into models built from our registry, and the official ``(N, C, T, V, M)``
inputs enter through the data pipeline (``row_to_keypoint`` of the NTU import,
``FormatGCNInput``, ``MotionAwareMasking``, ``PackActionInputs``) and the model's data
preprocessor.

Sizes: width 64, depth 2, 4 heads, 32 frames, 25 joints, temporal patch 4 (L = 200 tokens);
decoder width 48, depth 2, 4 heads (the official decoder blocks take the encoder's heads);
normalised motion target; 7 classes.

Tolerances (float32 on CPU): masks and parameter groups exact; decoder predictions
``atol = rtol = 1e-5`` (values up to 3.3; the official encoder sees the visible tokens in
its noise order and attends with an explicit softmax, ours in token order through fused
attention: 2.5e-6 apart); loss ``rtol = 5e-6`` against the official float64 value;
logits ``atol = rtol = 1e-5``. A wrong formula moves these by 1e-2 or more.

Missing golden files fail the test in CI (``CI=true``) and skip it elsewhere.
"""

import argparse
import contextlib
import io
import json
import os
import re
import runpy
import sys
from pathlib import Path
from typing import Dict, List, Optional
from unittest import mock

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mmaction_mamp.preparation.npz_import import row_to_keypoint
from mmaction_mamp.utils.official_checkpoint import load_official_checkpoint, map_official_key

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO.parent / 'shared' / 'golden'
CONVERTER = REPO / 'tools' / 'model_converters' / 'mamp2mmaction.py'

ENCODER = dict(
    type='MAMPTransformer', embed_dims=64, depth=2, num_heads=4, num_frames=32, num_joints=25
)
DECODER = dict(type='MAMPMotionHead', decoder_embed_dims=48, decoder_depth=2, decoder_num_heads=4)
NUM_CLASSES = 7
MASKING = dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4)


def golden(name: str) -> Path:
    """A golden file; fails in CI, skips elsewhere when it is missing."""
    path = GOLDEN / name
    if not path.is_file():
        reason = (
            f'golden outputs of the official MAMP code not found: {path} '
            '(expected in ../shared/golden beside the repository)'
        )
        if os.environ.get('CI', '').lower() in ('true', '1'):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def golden_arrays(name: str) -> Dict[str, np.ndarray]:
    with np.load(golden(name)) as arrays:
        return {key: arrays[key] for key in arrays.files}


def run_converter(src: Path, dst: Path) -> str:
    """``python tools/model_converters/mamp2mmaction.py SRC DST`` in this process; its output."""
    printed = io.StringIO()
    argv = ['mamp2mmaction.py', str(src), str(dst)]
    with mock.patch.object(sys, 'argv', argv), contextlib.redirect_stdout(printed):
        runpy.run_path(str(CONVERTER), run_name='__main__')
    return printed.getvalue()


@pytest.fixture(scope='module')
def converted(tmp_path_factory) -> Dict[str, Path]:
    """The converter tool run on each official file: kind -> converted checkpoint."""
    out = tmp_path_factory.mktemp('converted')
    paths = {}
    for kind in ('pretrain', 'linprobe', 'finetune'):
        paths[kind] = out / f'{kind}.pth'
        printed = run_converter(golden(f'official_{kind}_small.pth'), paths[kind])
        assert re.search(r'^blocks\.1\.attn\.qkv\.weight +-> backbone\.blocks\.1', printed, re.M)
    return paths


@pytest.mark.parametrize(
    'kind, official_kind, epoch',
    [('pretrain', 'pretrain', 399), ('linprobe', 'linear', 99), ('finetune', 'finetune', 99)],
)
def test_converter_reads_the_official_files(converted, kind, official_kind, epoch):
    """The official ``args`` (an ``argparse.Namespace``) is read through torch's allow-list;
    the output is plain: it loads with ``weights_only=True`` and no allow-list."""
    checkpoint = torch.load(converted[kind], map_location='cpu', weights_only=True)
    assert checkpoint['meta']['official_kind'] == official_kind
    assert checkpoint['meta']['official_epoch'] == epoch


def build(cfg: dict) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(cfg)


def pretrain_model(checkpoint: Path) -> torch.nn.Module:
    model = build(dict(type='MAMP', backbone=ENCODER, head=DECODER))
    load_checkpoint(model, str(checkpoint), map_location='cpu', strict=True)
    return model.eval()


def recognizer(head: str, checkpoint: Optional[Path] = None) -> torch.nn.Module:
    cls_head = dict(type=head, num_classes=NUM_CLASSES, in_channels=ENCODER['embed_dims'])
    if head == 'MAMPFinetuneHead':
        cls_head['num_joints'] = ENCODER['num_joints']
    model = build(dict(type='RecognizerGCN', backbone=ENCODER, cls_head=cls_head))
    if checkpoint is not None:
        load_checkpoint(model, str(checkpoint), map_location='cpu', strict=True)
    return model.eval()


class RecordedUniforms:
    """The sample's generator for ``MotionAwareMasking``: hands out the official draws.

    Args:
        rows: (M, L) float32, the official ``torch.rand(NM, L)`` rows of this sample.
    """

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def random(self, size) -> np.ndarray:
        assert tuple(size) == self.rows.shape, (size, self.rows.shape)
        return self.rows


def pipeline_batch(x: np.ndarray, uniforms: Optional[np.ndarray] = None) -> List[dict]:
    """Official inputs (N, C, T, V, M) through the pipeline, masked with ``uniforms``.

    Args:
        x: official skeletons (N, C, T, V, M).
        uniforms: (N*M, L) official uniforms; None packs no mask.

    Returns:
        The packed samples (``inputs`` (1, M, T, V, C), ``data_samples``).
    """
    steps = [dict(type='FormatGCNInput', num_person=2)]
    if uniforms is not None:
        steps.append(MASKING)
    steps.append(dict(type='PackActionInputs', algorithm_keys=('mask',)))
    with DefaultScope.overwrite_default_scope('mmaction'):
        transforms = [TRANSFORMS.build(step) for step in steps]
    persons = x.shape[-1]
    samples = []
    for n, clip in enumerate(x):
        results = dict(keypoint=row_to_keypoint(clip), label=0)
        if uniforms is not None:
            results['rng'] = RecordedUniforms(uniforms[n * persons : (n + 1) * persons])
        for transform in transforms:
            results = transform(results)
        samples.append(results)
    return samples


def test_masks_from_recorded_uniforms_equal_the_official_masks():
    arrays = golden_arrays('official_pretrain_small.npz')
    assert float(arrays['mask_ratio']) == 0.9 and float(arrays['tau']) == pytest.approx(0.8)
    samples = pipeline_batch(arrays['x'], arrays['uniforms'])
    masks = np.concatenate([s['data_samples'].mask.reshape(-1, 200) for s in samples])
    assert masks.dtype == bool and masks.shape == arrays['mask'].shape
    np.testing.assert_array_equal(masks, arrays['mask'])
    assert (~masks).sum(axis=1).tolist() == [19] * 6  # int(200 * (1 - 0.9)) visible


def test_pretraining_predictions_and_loss_equal_the_official(converted):
    arrays = golden_arrays('official_pretrain_small.npz')
    model = pretrain_model(converted['pretrain'])
    batch = pseudo_collate(pipeline_batch(arrays['x'], arrays['uniforms']))
    data = model.data_preprocessor(batch, True)
    inputs, samples = data['inputs'], data['data_samples']
    with torch.no_grad():
        loss = model(inputs, samples, mode='loss')['loss']
        sequences = inputs.reshape(-1, *inputs.shape[-3:])  # (N*M, T, V, C), official row order
        mask = model.masks_of(samples, sequences.shape[0])
        pred = model.head(*model.backbone.forward_visible(sequences, mask))
    assert torch.equal(mask, torch.from_numpy(arrays['mask']))
    torch.testing.assert_close(pred, torch.from_numpy(arrays['pred']), atol=1e-5, rtol=1e-5)
    assert loss.item() == pytest.approx(float(arrays['loss']), rel=5e-6, abs=0)


def test_converted_pretraining_checkpoint_feeds_each_part_by_prefix(converted):
    """``init_cfg=dict(type='Pretrained', prefix=...)`` (the downstream configs' way) loads
    the converted encoder and decoder: the official predictions again."""
    arrays = golden_arrays('official_pretrain_small.npz')
    init = dict(type='Pretrained', checkpoint=str(converted['pretrain']))
    model = build(
        dict(
            type='MAMP',
            backbone=dict(ENCODER, init_cfg=dict(init, prefix='backbone.')),
            head=dict(DECODER, init_cfg=dict(init, prefix='head.')),
        )
    )
    model.init_weights()
    model.eval()
    x = torch.from_numpy(row_to_keypoint(arrays['x'][0]))  # (M, T, V, C) of sample 0
    mask = torch.from_numpy(arrays['mask'][:2])
    with torch.no_grad():
        pred = model.head(*model.backbone.forward_visible(x, mask))
    torch.testing.assert_close(pred, torch.from_numpy(arrays['pred'][:2]), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    'kind, head', [('linprobe', 'MAMPLinearHead'), ('finetune', 'MAMPFinetuneHead')]
)
def test_downstream_logits_equal_the_official(converted, kind, head):
    arrays = golden_arrays(f'official_{kind}_small.npz')
    model = recognizer(head, converted[kind])
    batch = pseudo_collate(pipeline_batch(arrays['x']))
    with torch.no_grad():
        features, _ = model.extract_feat(model.data_preprocessor(batch, False)['inputs'])
        logits = model.cls_head(features)
        scores = torch.stack([sample.pred_score for sample in model.test_step(batch)])
    expected = torch.from_numpy(arrays['logits'])
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(scores, expected.softmax(dim=1), atol=1e-6, rtol=1e-5)
    if kind == 'finetune':  # the BatchNorm ran with its recorded, non-trivial statistics
        assert model.cls_head.bn.running_var.sub(1).abs().max() > 0.1


def test_linear_probe_saved_with_its_batchnorm_equals_the_official(tmp_path):
    """``main_linprobe.py`` saves its probe as ``head.fc = Sequential(BatchNorm1d(affine=False,
    eps=1e-6), Linear)``: ``head.fc.0.*`` statistics, ``head.fc.1.*`` weights. Given the golden
    probe that layout with running mean ``m`` and running variance ``s**2 - 1e-6``, the
    official logits become ``(logits - b - W m) / s + b``."""
    arrays = golden_arrays('official_linprobe_small.npz')
    official = load_official_checkpoint(str(golden('official_linprobe_small.pth')))
    state = dict(official['model'])
    weight, bias = state.pop('head.fc.weight'), state.pop('head.fc.bias')
    mean = torch.linspace(-0.5, 0.5, weight.shape[1])
    scale = 1.5
    state.update({
        'head.fc.0.running_mean': mean,
        'head.fc.0.running_var': torch.full_like(mean, scale**2 - 1e-6),
        'head.fc.0.num_batches_tracked': torch.tensor(500),
        'head.fc.1.weight': weight,
        'head.fc.1.bias': bias,
    })  # fmt: skip
    src = tmp_path / 'with_bn.pth'
    torch.save(dict(model=state, epoch=99, args=argparse.Namespace(note='bn')), src)
    run_converter(src, tmp_path / 'converted.pth')
    model = recognizer('MAMPLinearHead', tmp_path / 'converted.pth')
    batch = pseudo_collate(pipeline_batch(arrays['x']))
    with torch.no_grad():
        features, _ = model.extract_feat(model.data_preprocessor(batch, False)['inputs'])
        logits = model.cls_head(features)
    expected = (torch.from_numpy(arrays['logits']) - bias - weight @ mean) / scale + bias
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=1e-5)


def test_layer_decay_groups_equal_the_official():
    """``LayerDecayOptimWrapperConstructor`` on the fine-tune model gives every parameter the
    official ``param_groups_lrd(weight_decay=0.05, layer_decay=0.8)`` lr scale and decay,
    official names mapped through the converter's ``map_official_key``."""
    official = json.loads(golden('official_finetune_small_param_groups.json').read_text())
    model = recognizer('MAMPFinetuneHead').train()
    base_lr = 1e-3
    cfg = dict(
        type='OptimWrapper',
        constructor='LayerDecayOptimWrapperConstructor',
        optimizer=dict(type='AdamW', lr=base_lr, weight_decay=0.05),
        paramwise_cfg=dict(layer_decay_rate=0.8),
    )
    with DefaultScope.overwrite_default_scope('mmaction'):
        groups = build_optim_wrapper(model, cfg).optimizer.param_groups
    group_of = {id(p): group for group in groups for p in group['params']}
    ours = dict(model.named_parameters())
    assert {map_official_key(name) for name in official} == set(ours)
    for name, (scale, weight_decay) in official.items():
        group = group_of[id(ours[map_official_key(name)])]
        assert group['lr'] / base_lr == pytest.approx(scale, rel=1e-12, abs=0), name
        assert group['weight_decay'] == weight_decay, name
