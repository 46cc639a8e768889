"""tools/analysis_tools/estimate_gpu_memory.py on a pre-training and a fine-tune config: the
FLOPs the model zoo page quotes, and activations that grow with the batch."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize(
    'config,gflops',
    [
        ('configs/mamp_pretrain_ntu60.py', 39.3),
        ('configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py',
         89.0),
    ],
)  # fmt: skip
def test_memory_and_flops_of_a_config(config, gflops):
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/estimate_gpu_memory.py', config,
         '--batch-sizes', '2', '4'],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout[proc.stdout.index('{') :])
    assert report['train_gflops_per_sample'] == pytest.approx(gflops, abs=0.05)
    memory = report['memory_gib']
    assert 0 < memory['2'] < memory['4']
