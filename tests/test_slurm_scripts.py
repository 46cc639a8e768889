"""tools/slurm_train.sh and slurm_test.sh build the srun command line mmengine's slurm launcher
expects (dry run: a stand-in srun records its arguments and environment)."""

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAKE_SRUN = """#!/usr/bin/env python3
import json, os, sys
print(json.dumps(dict(argv=sys.argv[1:], pythonpath=os.environ.get('PYTHONPATH', ''),
                      master_port=os.environ.get('MASTER_PORT'))))
"""


def dry_run(tmp_path: Path, script: str, *args: str, **env: str) -> dict:
    srun = tmp_path / 'srun'
    srun.write_text(FAKE_SRUN)
    srun.chmod(0o755)
    proc = subprocess.run(
        ['bash', f'tools/{script}', *args],
        cwd=REPO,
        env=dict(os.environ, SRUN=str(srun), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_slurm_train_runs_one_task_per_gpu_with_the_slurm_launcher(tmp_path):
    recorded = dry_run(
        tmp_path, 'slurm_train.sh', 'gpu', 'mamp', 'configs/mamp_pretrain_ntu60.py',
        '--work-dir', 'work_dirs/x', GPUS='16', SRUN_ARGS='--signal=TERM@120 --time=48:00:00',
    )  # fmt: skip
    assert recorded['argv'] == [
        '-p', 'gpu', '--job-name=mamp', '--gres=gpu:8', '--ntasks=16', '--ntasks-per-node=8',
        '--cpus-per-task=5', '--kill-on-bad-exit=1', '--signal=TERM@120', '--time=48:00:00',
        'python', '-u', f'{REPO}/tools/train.py', 'configs/mamp_pretrain_ntu60.py',
        '--launcher=slurm', '--work-dir', 'work_dirs/x',
    ]  # fmt: skip
    assert recorded['pythonpath'].split(':')[0] == f'{REPO}/tools/..'
    assert 12000 <= int(recorded['master_port']) < 32000


def test_slurm_test_passes_the_checkpoint_and_fits_fewer_gpus_on_one_node(tmp_path):
    recorded = dry_run(
        tmp_path, 'slurm_test.sh', 'gpu', 'eval', 'CONFIG.py', 'CKPT.pth', '--dump', 'p.pkl',
        GPUS='4', MASTER_PORT='23456',
    )  # fmt: skip
    assert recorded['argv'] == [
        '-p', 'gpu', '--job-name=eval', '--gres=gpu:4', '--ntasks=4', '--ntasks-per-node=4',
        '--cpus-per-task=5', '--kill-on-bad-exit=1', 'python', '-u', f'{REPO}/tools/test.py',
        'CONFIG.py', 'CKPT.pth', '--launcher=slurm', '--dump', 'p.pkl',
    ]  # fmt: skip
    assert recorded['master_port'] == '23456'
