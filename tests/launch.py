"""Start runs the way users do: mmaction2's packaged launchers, ours, or in-process."""

import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import mmaction
from mmengine.config import Config
from mmengine.runner import Runner

REPO = Path(__file__).resolve().parents[1]
MMACTION_TOOLS = Path(mmaction.__file__).parent / '.mim' / 'tools'
TINY = REPO / 'tests' / 'configs' / 'mamp_tiny_pretrain.py'


def environment(**extra: str) -> Dict[str, str]:
    """One thread per process (the machine may be shared), the repository importable."""
    return dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1', **extra)


def train_command(launcher: str, config, work_dir, *options: str) -> List[str]:
    """``python <launcher train.py> CONFIG --work-dir DIR [--cfg-options ...]``.

    ``launcher`` is ``'mmaction2'`` (the packaged ``tools/train.py``) or ``'ours'``.
    """
    script = MMACTION_TOOLS / 'train.py' if launcher == 'mmaction2' else REPO / 'tools/train.py'
    command = [sys.executable, str(script), str(config), '--work-dir', str(work_dir)]
    return command + (['--cfg-options', *options] if options else [])


def train_in_process(config, work_dir, **options) -> Runner:
    """Train ``config`` in this process (``options`` as ``--cfg-options`` would merge them).

    For a test that needs a run only for its checkpoint, dumped config or logs: the run a
    launcher would start, without the launcher's interpreter start and imports.
    """
    cfg = Config.fromfile(str(REPO / config))
    cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'{Path(work_dir).name}_{time.time_ns()}'  # loggers are per name
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def run(
    command: List[str], expect_rc: Optional[int] = 0, timeout: int = 300, **env: str
) -> subprocess.CompletedProcess:
    """Run a command from the repository root; check its exit status."""
    proc = subprocess.run(
        command,
        cwd=REPO,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if expect_rc is not None:
        assert proc.returncode == expect_rc, (proc.stdout + proc.stderr)[-4000:]
    return proc


def logged_losses(work_dir) -> Dict[int, float]:
    """Iteration -> loss from every ``vis_data/scalars.json`` of a work dir."""
    losses = {}
    for path in sorted(glob.glob(f'{work_dir}/*/vis_data/scalars.json')):
        for line in Path(path).read_text().splitlines():
            record = json.loads(line)
            if 'loss' in record:
                losses[record['step']] = record['loss']
    return losses
