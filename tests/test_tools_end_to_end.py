"""End-to-end runs of tools/train.py and tools/dist_train.sh on the demo config.

Small on purpose (a few iterations on 2 CPU cores) but the real command-line
paths: config loading, registry, data pipeline, checkpoints, resume, gloo DDP.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from test_portable_checkpoint import load_without_plugin

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DEMO = 'configs/demo/mamp_pretrain_demo.py'
SMALL_RUN = [
    'train_dataloader.dataset.num_per_class=8',
    'train_global_batch_size=32',
    'train_dataloader.batch_size=32',
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'default_hooks.logger.interval=1',
    'default_hooks.checkpoint.interval=1',
    'custom_hooks.0.train_dataloader.dataset.num_per_class=2',  # k-NN monitor: 20 + 20 clips
    'custom_hooks.0.val_dataloader.dataset.num_per_class=2',
]


def run_tool(*args: str, timeout: int = 400, port: int = 29500) -> subprocess.CompletedProcess:
    """Run a tool from the repository root; ``port`` is dist_*.sh's rendezvous port."""
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1', PORT=str(port))
    proc = subprocess.run(
        list(args), cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def logged_losses(work_dir: Path) -> list:
    (scalars,) = work_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    return [r['loss'] for r in records if 'loss' in r]


@pytest.fixture(scope='module')
def demo_run(tmp_path_factory) -> Path:
    work_dir = tmp_path_factory.mktemp('demo')
    run_tool(
        sys.executable,
        'tools/train.py',
        DEMO,
        '--work-dir',
        str(work_dir),
        '--cfg-options',
        'train_cfg.max_epochs=6',
        'param_scheduler.0.end=1',
        'param_scheduler.1.begin=1',
        'param_scheduler.1.end=6',
        *SMALL_RUN,
    )
    return work_dir


def test_demo_pretraining_loss_falls_and_checkpoints(demo_run):
    losses = logged_losses(demo_run)
    assert len(losses) == 6 * 2  # 80 samples, batch 32, drop_last -> 2 iterations / epoch
    assert all(map(torch.isfinite, torch.tensor(losses)))
    assert sum(losses[-3:]) / 3 < 0.8 * sum(losses[:3]) / 3
    assert (demo_run / 'epoch_6.pth').is_file()
    checkpoint = torch.load(demo_run / 'epoch_6.pth', weights_only=True)  # the safe default
    assert checkpoint['meta']['epoch'] == 6
    assert 'backbone.temp_embed' in checkpoint['state_dict']


def test_train_tool_checkpoint_loads_where_the_plugin_cannot_be_imported(demo_run):
    loaded = load_without_plugin(demo_run / 'epoch_6.pth')
    assert loaded['keys'] == ['message_hub', 'meta', 'optimizer', 'param_schedulers', 'state_dict']
    assert loaded['loaded_modules'] == []
    # the 12 raw losses survive as float64 data (what --resume smooths the log with); the
    # log of the last iteration shows their mean (window of 20 > 12 iterations)
    assert len(loaded['loss']) == 12 and loaded['count'] == [1] * 12
    assert sum(loaded['loss']) / 12 == pytest.approx(logged_losses(demo_run)[-1], rel=1e-4)


def test_resume_continues_from_checkpoint(demo_run):
    proc = run_tool(
        sys.executable,
        'tools/train.py',
        DEMO,
        '--work-dir',
        str(demo_run),
        '--resume',
        '--cfg-options',
        'train_cfg.max_epochs=7',
        'param_scheduler.0.end=1',
        'param_scheduler.1.begin=1',
        'param_scheduler.1.end=7',
        *SMALL_RUN,
    )
    output = proc.stdout + proc.stderr
    assert 'resumed epoch: 6, iter: 12' in output
    assert (demo_run / 'epoch_7.pth').is_file()


def test_dist_train_two_cpu_processes(tmp_path):
    proc = run_tool(
        'bash',
        'tools/dist_train.sh',
        DEMO,
        '2',
        '--work-dir',
        str(tmp_path),
        '--cfg-options',
        'train_cfg.max_epochs=1',
        *SMALL_RUN,
    )
    output = proc.stdout + proc.stderr
    assert 'global batch 32 = 2 process(es) x 16' in output
    assert output.count('global batch 32 = 2 process(es) x 16') == 2  # both ranks
    assert 'Distributed training: True' in output
    assert "type='CPUDistributedDataParallel'" in output
    assert (tmp_path / 'epoch_1.pth').is_file()
    assert len(logged_losses(tmp_path)) == 2
    # the k-NN monitor gathered both ranks' features: all 20 + 20 labelled clips were scored
    assert output.count('(20 bank / 20 val clips') == 2  # trained + random (rank 0 logs)
    assert 'random init' in output


def test_dist_test_two_cpu_processes_matches_one_process(tmp_path):
    linear = 'configs/demo/mamp_linear_demo.py'
    tiny = [
        'model.backbone.init_cfg=None',  # a random frozen encoder: no pre-training needed
        'test_dataloader.dataset.num_per_class=2',  # 20 clips: 10 per rank, no padding
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
    ]
    run_tool(
        sys.executable, 'tools/train.py', linear, '--work-dir', str(tmp_path / 'train'),
        '--cfg-options', 'train_cfg.max_epochs=1', 'train_dataloader.dataset.num_per_class=4',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'val_dataloader.dataset.num_per_class=2', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False', *tiny[:1],
    )  # fmt: skip
    checkpoint = str(tmp_path / 'train' / 'epoch_1.pth')
    single = run_tool(
        sys.executable, 'tools/test.py', linear, checkpoint, '--work-dir', str(tmp_path / 'one'),
        '--cfg-options', *tiny,
    )  # fmt: skip
    double = run_tool(
        'bash', 'tools/dist_test.sh', linear, checkpoint, '2', '--work-dir', str(tmp_path / 'two'),
        '--cfg-options', *tiny, port=29501,
    )  # fmt: skip

    def accuracy(proc: subprocess.CompletedProcess) -> str:
        (line,) = [x for x in (proc.stdout + proc.stderr).splitlines() if 'Epoch(test)' in x]
        return line.split('acc/top1:')[1].split('data_time')[0].strip()

    assert accuracy(double) == accuracy(single)  # both ranks' predictions gathered
    assert 'Distributed training: True' in double.stdout + double.stderr
