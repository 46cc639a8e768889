"""Long-run safety through tools/train.py: kill and resume, orphan workers, lock, pre-flight.

Tiny demo runs (2 iterations per epoch, a 2-block encoder) so each takes seconds.
"""

import contextlib
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mmaction_mamp.preparation.synthetic import dump_synthetic_pose_pickle

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / 'configs/demo/mamp_pretrain_demo.py'
EPOCHS = 4
SCHEDULE = [
    f'train_cfg.max_epochs={EPOCHS}',
    'param_scheduler.0.end=1',  # 1 warm-up epoch
    'param_scheduler.1.begin=1',
    f'param_scheduler.1.end={EPOCHS}',
]
SMALL_MODEL_AND_LOGS = [
    'model.backbone.depth=2',
    'default_hooks.logger.interval=1',
    'default_hooks.checkpoint.interval=1',
    'log_processor.window_size=1',  # log each iteration's own loss
    'train_global_batch_size=32',  # the iteration counts below assume batches of 32
    'train_dataloader.batch_size=32',
    'custom_hooks.0.train_dataloader.dataset.num_per_class=2',  # k-NN monitor: 20 + 20 clips
    'custom_hooks.0.val_dataloader.dataset.num_per_class=2',
]
TINY = [
    *SCHEDULE,
    'train_dataloader.dataset.num_per_class=8',  # 80 clips, batch 32: 2 iterations per epoch
    *SMALL_MODEL_AND_LOGS,
]


def workers(count: int, persistent: bool) -> list:
    return [
        f'train_dataloader.num_workers={count}',
        f'train_dataloader.persistent_workers={persistent}',
    ]


def train_command(config, work_dir, *options, resume=False) -> list:
    command = [sys.executable, 'tools/train.py', str(config), '--work-dir', str(work_dir)]
    return command + (['--resume'] if resume else []) + ['--cfg-options', *options]


def environment() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1')


def run(command, expect_ok=True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        command, cwd=REPO, env=environment(), capture_output=True, text=True, timeout=300
    )
    output = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == expect_ok, output[-4000:]
    return proc


def start(command) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, DataLoader workers included
    )


def losses_by_iteration(work_dir: Path) -> dict:
    """{iteration: loss} over every run (log dir) of the work dir."""
    losses = {}
    for scalars in work_dir.glob('*/vis_data/scalars.json'):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            if 'loss' in record:
                losses.setdefault(record['iter'], []).append(record['loss'])
    return losses


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f'timed out waiting for {what}'
        time.sleep(0.05)


def children(pid: int) -> list:
    path = Path(f'/proc/{pid}/task/{pid}/children')
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != 'Z'


def test_killed_run_resumes_with_identical_losses(tmp_path):
    """SIGKILL mid-run, newest checkpoint broken, resumed with other num_workers: same losses."""
    reference_dir, killed_dir = tmp_path / 'reference', tmp_path / 'killed'
    run(train_command(DEMO, reference_dir, *TINY, *workers(0, False)))
    reference = losses_by_iteration(reference_dir)
    assert sorted(reference) == list(range(1, 2 * EPOCHS + 1))

    proc = start(train_command(DEMO, killed_dir, *TINY, *workers(0, False)))
    try:  # kill it inside epoch 3, after the epoch-2 checkpoint
        wait_for(lambda: 5 in losses_by_iteration(killed_dir), 'iteration 5')
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert (killed_dir / 'train.lock').exists()  # left behind by the killed run
    newest = max(int(p.stem.split('_')[1]) for p in killed_dir.glob('epoch_*.pth'))
    assert newest in (2, 3)  # killed in epoch 3 (or right after its checkpoint)
    broken = killed_dir / f'epoch_{newest}.pth'
    broken.write_bytes(broken.read_bytes()[:100_000])  # and the newest checkpoint truncated

    resumed = run(train_command(DEMO, killed_dir, *TINY, *workers(2, True), resume=True))
    output = resumed.stdout + resumed.stderr
    assert 'Taking over the stale lock' in output
    assert f'Resume: skipped {broken}: truncated or corrupt' in output
    assert f'resumed epoch: {newest - 1}, iter: {2 * (newest - 1)}' in output
    combined = losses_by_iteration(killed_dir)
    assert sorted(combined) == sorted(reference)
    for iteration, losses in combined.items():  # bit-for-bit, re-run iterations included
        assert losses == [reference[iteration][0]] * len(losses), iteration
    assert any(len(losses) == 2 for losses in combined.values())  # some were run twice


def test_dataloader_workers_die_with_a_killed_main_process(tmp_path):
    options = [*TINY, 'train_cfg.max_epochs=50', 'param_scheduler.1.end=50']
    proc = start(train_command(DEMO, tmp_path, *options, *workers(2, True)))
    try:
        wait_for(lambda: 1 in losses_by_iteration(tmp_path), 'the first iteration')
        worker_pids = children(proc.pid)
        assert len(worker_pids) >= 2
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
        proc.wait()
        wait_for(lambda: not any(alive(pid) for pid in worker_pids), 'workers to exit', 15)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_second_run_into_a_locked_work_dir_exits_at_once(tmp_path):
    started = time.time() - 3600
    holder = dict(pid=os.getpid(), host=socket.gethostname(), started=started)
    (tmp_path / 'train.lock').write_text(json.dumps(holder))
    proc = run(train_command(DEMO, tmp_path, *TINY), expect_ok=False)
    when = time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(started))
    assert proc.stderr.strip().splitlines()[-1] == (
        f'error: work dir {tmp_path} is in use by another run (pid {os.getpid()} on host '
        f'{socket.gethostname()}, started {when}); use another --work-dir, or wait for it to '
        f'end. If that run is dead (e.g. on another host), delete {tmp_path}/train.lock'
    )
    assert [p.name for p in tmp_path.iterdir()] == ['train.lock']  # nothing else created


def test_locked_work_dir_stops_a_two_process_run(tmp_path):
    """Under dist_train.sh rank 0 holds the lock: its refusal ends every rank, nothing hangs."""
    holder = dict(pid=os.getpid(), host=socket.gethostname(), started=time.time())
    (tmp_path / 'train.lock').write_text(json.dumps(holder))
    command = ['bash', 'tools/dist_train.sh', str(DEMO), '2', '--work-dir', str(tmp_path)]
    proc = subprocess.run(
        [*command, '--cfg-options', *TINY],
        cwd=REPO,
        env=dict(environment(), PORT='29517'),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode != 0
    refusal = f'error: work dir {tmp_path} is in use by another run (pid {os.getpid()} on host'
    assert (proc.stdout + proc.stderr).count(refusal) == 1  # rank 0 only
    assert 'Epoch(train)' not in proc.stdout + proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ['train.lock']


@pytest.fixture(scope='module')
def two_bad_clips(tmp_path_factory) -> Path:
    """A config training on a pickle of 40 clips of which clip 37 has a NaN, clip 12 no motion."""
    root = tmp_path_factory.mktemp('bad_data')
    ann_file = root / 'ann.pkl'
    data = dump_synthetic_pose_pickle(ann_file, num_train_per_class=4, num_val_per_class=1)
    data['annotations'][37]['keypoint'][0, 5, 3, 0] = np.nan
    data['annotations'][12]['keypoint'][:] = 0
    ann_file.write_bytes(pickle.dumps(data))
    config = root / 'bad_data_config.py'
    config.write_text(
        f"_base_ = ['{DEMO}']\n"
        'train_dataloader = dict(dataset=dict(_delete_=True, type="SafePoseDataset", '
        f'ann_file="{ann_file}", split="train", pipeline={{{{_base_.train_pipeline}}}}))\n'
    )
    return config


def test_preflight_lists_both_bad_clips_before_any_iteration(two_bad_clips, tmp_path):
    options = [*SCHEDULE, *SMALL_MODEL_AND_LOGS]
    proc = run(train_command(two_bad_clips, tmp_path, *options), expect_ok=False)
    output = proc.stdout + proc.stderr
    ann_file = two_bad_clips.parent / 'ann.pkl'
    assert f"2 bad sample(s) in {ann_file} (split 'train'):" in output
    assert '  synth_train_c03_s0000: 0 valid (non-zero) frame(s), fewer than the 4' in output
    assert '  synth_train_c09_s0001: non-finite coordinates in 1 frame(s), first frame 5' in output
    assert 'Epoch(train)' not in output and not list(tmp_path.glob('*.pth'))


def test_skip_mode_trains_on_the_rest(two_bad_clips, tmp_path):
    options = [*SCHEDULE, *SMALL_MODEL_AND_LOGS, 'train_cfg.max_epochs=1']
    proc = run([*train_command(two_bad_clips, tmp_path, *options), '--skip-bad-samples'])
    output = proc.stdout + proc.stderr
    assert 'Skip mode: training without 2 bad sample(s), listed in' in output
    assert 'Pre-flight check of' in output and '40 samples, 2 skipped' in output
    listed = (tmp_path / 'bad_samples_train_dataloader.tsv').read_text().splitlines()
    assert [line.split('\t')[0] for line in listed] == [
        'synth_train_c03_s0000',
        'synth_train_c09_s0001',
    ]
    assert list(losses_by_iteration(tmp_path)) == [1]  # 38 clips, batch 32, drop_last
