"""tools/analysis_tools/estimate_gpu_memory.py on the NTU-60 pre-training (inputs with the
pipeline's masks): the FLOPs the model zoo page quotes, activations growing with the batch."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_memory_and_flops_of_the_ntu60_pretraining():
    config, gflops = 'configs/mamp_pretrain_ntu60.py', 39.3
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
