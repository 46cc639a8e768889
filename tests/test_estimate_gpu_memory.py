"""tools/analysis_tools/estimate_gpu_memory.py against numbers it does not compute itself.

* parameters: the analytic count of the MAMP architecture (weights, gradients and AdamW's
  two moments: 16 bytes each in fp32);
* activations: what torch's CPU allocator reports (``torch.profiler``, ``profile_memory``)
  as allocated during the forward pass and still alive at its end, i.e. kept for backward,
  plus the input batch, which the estimate counts and the forward does not allocate;
* the NTU-60 pre-training: the FLOPs the model zoo page quotes.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from torch.profiler import ProfilerActivity, profile

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / 'tools' / 'analysis_tools' / 'estimate_gpu_memory.py'
GIB = 1024**3

D, DEPTH, HEADS, FRAMES = 32, 2, 4, 16  # encoder
DD, DECODER_DEPTH = 16, 1  # decoder
JOINTS, U, C = 25, 4, 3


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('estimate_gpu_memory', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_pretraining() -> Config:
    cfg = Config.fromfile(str(REPO / 'configs' / 'mamp_pretrain_ntu60.py'))
    cfg.model.backbone.update(embed_dims=D, depth=DEPTH, num_heads=HEADS, num_frames=FRAMES)
    cfg.model.head.update(decoder_embed_dims=DD, decoder_depth=DECODER_DEPTH, decoder_num_heads=2)
    return cfg


def analytic_parameters() -> int:
    """MAMP's parameter count from its architecture (mlp ratio 4, qkv bias)."""
    tp = FRAMES // U

    def block(width: int) -> int:  # 2 LayerNorms, qkv, proj, fc1 (4w), fc2
        return 4 * width + (3 * width * width + 3 * width) + (width * width + width) + (
            4 * width * width + 4 * width
        ) + (4 * width * width + width)  # fmt: skip

    encoder = (C * U * D + D) + JOINTS * D + tp * D + DEPTH * block(D) + 2 * D
    decoder = (D * DD + DD) + DD + JOINTS * DD + tp * DD + DECODER_DEPTH * block(DD) + 2 * DD
    return encoder + decoder + (DD * U * C + U * C)


def test_parameters_and_static_bytes_are_the_analytic_count(tool):
    with DefaultScope.overwrite_default_scope('mmaction'):
        report = tool.estimate(tiny_pretraining(), measure_batch=2, batch_sizes=[2, 4])
    assert report['parameters'] == analytic_parameters() == 31340
    assert report['static_bytes'] == 16 * analytic_parameters()  # fp32 weights, grads, 2 moments
    activations = report['activation_bytes_per_sample']
    for batch, gib in report['memory_gib'].items():
        assert gib == round((report['static_bytes'] + batch * activations) / GIB, 2)


@pytest.mark.parametrize('batch', [1, 3])
def test_activations_equal_what_the_allocator_keeps_after_forward(tool, batch):
    cfg = tiny_pretraining()
    with DefaultScope.overwrite_default_scope('mmaction'):
        report = tool.estimate(cfg.copy(), measure_batch=batch, batch_sizes=[batch])
        model = MODELS.build(cfg.model).train()
        inputs, samples = tool.example_batch(cfg, batch)
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            loss = tool.forward_loss(model, inputs, samples)
    kept = sum(event.self_cpu_memory_usage for event in prof.events())  # allocated - freed
    kept -= loss.untyped_storage().nbytes()  # the loss itself is no saved activation
    assert kept > 0
    measured = kept + inputs.nbytes
    assert report['activation_bytes_per_sample'] * batch == pytest.approx(measured, rel=1e-3)


@pytest.mark.slow
def test_flops_and_memory_of_the_ntu60_pretraining():
    config, gflops = 'configs/mamp_pretrain_ntu60.py', 39.3
    proc = subprocess.run(
        [sys.executable, str(TOOL), config, '--batch-sizes', '2', '4'],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout[proc.stdout.index('{') :])
    assert report['train_gflops_per_sample'] == pytest.approx(gflops, abs=0.05)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(Config.fromfile(str(REPO / config)).model)
    assert report['parameters'] == sum(p.numel() for p in model.parameters())
    assert report['static_bytes'] == 16 * report['parameters']
    step = report['memory_gib']['4'] - report['memory_gib']['2']
    assert step == pytest.approx(2 * report['activation_bytes_per_sample'] / GIB, abs=0.011)
