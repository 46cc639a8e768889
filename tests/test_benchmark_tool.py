"""The benchmark's 'original formulation' does the same work as the model: same loss and
gradients for the same weights and masks, so its speed ratio compares like with like."""

import importlib.util

import torch
from mmaction.registry import MODELS

from mmaction_mamp.datasets.transforms.motion_masking import motion_aware_mask


def test_original_formulation_matches_the_model(repo_root):
    path = repo_root / 'tools' / 'analysis' / 'benchmark_pretrain_step.py'
    spec = importlib.util.spec_from_file_location('benchmark_pretrain_step', path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)

    torch.manual_seed(0)
    small = dict(num_frames=16, num_joints=5)
    model = MODELS.build(
        dict(
            type='MAMP',
            backbone=dict(type='MAMPTransformer', embed_dims=32, depth=2, num_heads=4, **small),
            head=dict(type='MAMPMotionHead', embed_dims=32, decoder_embed_dims=32,
                      decoder_depth=2, decoder_num_heads=4, **small),
        )
    )  # fmt: skip
    x = torch.randn(6, 16, 5, 3).cumsum(1)
    x[4:] = 0.0  # absent persons
    mask = motion_aware_mask(x, 0.75, 0.8, 4, 1, torch.rand(6, 20))
    ours = model.head.loss(*model.backbone.forward_visible(x, mask), mask, x)['loss']
    ours.backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters()}
    model.zero_grad()
    original = benchmark.original_loss(model, x, mask)
    original.backward()
    torch.testing.assert_close(original, ours, rtol=1e-5, atol=1e-6)
    for name, p in model.named_parameters():
        torch.testing.assert_close(p.grad, grads[name], rtol=1e-4, atol=1e-5, msg=name)
