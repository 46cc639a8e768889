"""The step benchmark compares like with like: its ``reference`` baseline (the official
formulation of tests/reference_mamp.py) trains the model's weights on the same masks with
the config's AdamW recipe, so it follows the default step's losses step by step."""

import importlib.util

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from mmaction_mamp.datasets.transforms.motion_masking import motion_aware_mask

from reference_mamp import official_param_groups

SMALL = dict(num_frames=16, num_joints=5, embed_dims=32, num_heads=4)


def dev_script(repo_root, name: str):
    """``.dev_scripts/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, repo_root / '.dev_scripts' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def benchmark_script(repo_root):
    return dev_script(repo_root, 'benchmark_pretrain_step')


@pytest.fixture
def small_cfg(repo_root) -> Config:
    """The NTU-60 pre-training config (optimizer recipe included) with a small model."""
    cfg = Config.fromfile(repo_root / 'configs' / 'mamp_pretrain_ntu60.py')
    cfg.model.backbone.update(depth=2, **SMALL)
    cfg.model.head.update(decoder_embed_dims=32, decoder_depth=2, decoder_num_heads=4)
    return cfg


def test_reference_step_follows_the_default_step(benchmark_script, small_cfg):
    torch.manual_seed(0)
    model = MODELS.build(small_cfg.model)
    inputs = torch.randn(3, 1, 2, 16, 5, 3).cumsum(3)
    inputs[2, :, 1] = 0.0  # an absent second person
    persons = inputs.reshape(6, 16, 5, 3)
    masks = motion_aware_mask(persons, 0.75, 0.8, 4, 1, torch.rand(6, 20))
    reference = benchmark_script.build_step('reference', small_cfg, model, inputs, masks)
    default = benchmark_script.build_step('default', small_cfg, model, inputs, masks)
    losses = [(reference(), default()) for _ in range(3)]
    # rounding differs by < 1e-7; weight decay on the wrong tensors shows as > 4e-5
    for step, (ours, theirs) in enumerate(losses):
        assert ours == pytest.approx(theirs, rel=2e-6), f'step {step}'
    assert losses[2][0] < losses[0][0]  # the weights were updated
    # each variant trains its own copy: the model itself is untouched
    fresh = model.head.loss(*model.backbone.forward_visible(persons, masks), masks, persons)
    assert fresh['loss'].item() == pytest.approx(losses[0][0], rel=2e-6)


def test_official_param_groups_exempt_biases_and_1d_tensors():
    params = {
        'pos_embed': torch.zeros(1, 1, 5, 8),
        'blocks.0.norm1.weight': torch.zeros(8),
        'blocks.0.attn.qkv.weight': torch.zeros(24, 8),
        'blocks.0.attn.qkv.bias': torch.zeros(24),
    }
    no_decay, decay = official_param_groups(params, weight_decay=0.05)
    assert no_decay['weight_decay'] == 0.0 and decay['weight_decay'] == 0.05
    assert [p.shape for p in no_decay['params']] == [(8,), (24,)]
    assert [p.shape for p in decay['params']] == [(1, 1, 5, 8), (24, 8)]


def test_reference_step_refuses_multi_joint_tokens(benchmark_script, small_cfg):
    small_cfg.model.backbone.spatial_patch_size = 5
    with pytest.raises(ValueError, match='one joint per token'):
        benchmark_script.build_step('reference', small_cfg, None, None, None)


@pytest.fixture
def heads_script(repo_root):
    return dev_script(repo_root, 'benchmark_decoder_heads')


def test_decoder_heads_benchmark_counts_the_head_apart(heads_script, repo_root, small_cfg):
    query_cfg = Config.fromfile(repo_root / heads_script.NTU60_QUERY)
    query_cfg.model.backbone.update(depth=2, **SMALL)
    query_cfg.model.head.update(decoder_embed_dims=16, decoder_num_heads=2, query_patch_size=(2, 1))
    bench = heads_script.load_step_benchmark()
    inputs, masks = bench.ntu_like_batch(small_cfg, 2, 0.25)  # 16 x 5 tokens -> 4 visible
    mamp = heads_script.flops_per_sample(small_cfg, inputs, masks, 2)
    query = heads_script.flops_per_sample(query_cfg, inputs, masks, 2)
    assert mamp['encoder_forward'] == query['encoder_forward'] > 0  # the same encoder
    # MAMP's decoder: 2 self-attention blocks of width 32 over all 20 tokens; the query head:
    # 2 cross-attention blocks of width 16, 10 queries over 4 visible tokens
    assert 0 < query['head_forward'] < mamp['head_forward'] / 4
    assert query['train_step'] < mamp['train_step']
    step = bench.build_step(
        'default', query_cfg, heads_script.build_model(query_cfg), inputs, masks
    )
    losses = [step() for _ in range(3)]
    assert losses[2] < losses[0]
