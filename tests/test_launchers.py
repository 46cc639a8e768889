"""Runs started the way users start them: mmaction2's packaged launchers, ``mim``, ours.

Every guarantee must hold whatever starts the run, so these tests launch
``mmaction/.mim/tools/train.py`` and ``dist_train.sh`` (what ``mim train`` runs) on this
repository's configs and on a user config, and compare with our ``tools/train.py``. The
runs are tiny (``tests/configs/mamp_tiny_pretrain.py``: 3 epochs x 5 iterations).
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from launch import MMACTION_TOOLS, REPO, TINY, environment, logged_losses, run, train_command
from test_checkpoints import load_without_plugin

pytestmark = pytest.mark.slow
DEMO_SMALL = [
    'train_cfg.max_epochs=2',
    'param_scheduler.0.end=1',
    'param_scheduler.1.begin=1',
    'param_scheduler.1.end=2',
    'train_dataloader.dataset.num_per_class=4',
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'custom_hooks.0.train_dataloader.dataset.num_per_class=2',
    'custom_hooks.0.val_dataloader.dataset.num_per_class=2',
    'log_processor.window_size=1',
    'default_hooks.logger.interval=1',
]


@pytest.fixture(scope='module')
def reference(tmp_path_factory) -> dict:
    """The tiny run, uninterrupted, through mmaction2's launcher: iteration -> loss."""
    work_dir = tmp_path_factory.mktemp('reference')
    run(train_command('mmaction2', TINY, work_dir))
    losses = logged_losses(work_dir)
    assert len(losses) == 15
    return dict(work_dir=work_dir, losses=losses)


def test_mmaction2_launcher_and_ours_give_the_same_demo_run(tmp_path):
    theirs = run(train_command('mmaction2', 'configs/demo/mamp_pretrain_demo.py', tmp_path / 'a',
                               *DEMO_SMALL))  # fmt: skip
    run(train_command('ours', 'configs/demo/mamp_pretrain_demo.py', tmp_path / 'b', *DEMO_SMALL))
    losses = logged_losses(tmp_path / 'a')
    assert len(losses) == 4 and losses == logged_losses(tmp_path / 'b')
    assert 'k-NN accuracy (k=20, T=0.07) of 20 val clips' in theirs.stdout
    loaded = load_without_plugin(tmp_path / 'a' / 'epoch_2.pth')  # where mmaction_mamp is absent
    assert loaded['loss'][-1] == losses[4] and loaded['loaded_modules'] == []


def test_mim_train_runs_the_same_run(tmp_path, reference):
    pytest.importorskip('mim', reason='openmim is not installed (.ci/run installs it)')
    mim = shutil.which('mim') or pytest.skip('no mim command')
    run([mim, 'train', 'mmaction', str(TINY), '--work-dir', str(tmp_path)])
    assert logged_losses(tmp_path) == reference['losses']


def start(command, **env) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_for_line(proc: subprocess.Popen, fragment: str, timeout: float = 240) -> str:
    """Read the process's output until a line holds ``fragment``; return all read."""
    seen, deadline = [], time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if fragment in line:
            return ''.join(seen)
    raise AssertionError(f'{fragment!r} never logged:\n' + ''.join(seen)[-3000:])


def test_killed_run_with_a_truncated_checkpoint_resumes_exactly(tmp_path, reference):
    """SIGKILL, then a truncated newest checkpoint; the run is a user config with its own
    ``custom_hooks`` (EMAHook, which swaps its averages into the saved weights): it resumes
    from the checkpoint before and its losses are the uninterrupted run's."""
    user = tmp_path / 'my_config.py'
    user.write_text(f"_base_ = ['{TINY}']\ncustom_hooks = [dict(type='EMAHook')]\n")
    work_dir = tmp_path / 'w'
    workers = ['train_dataloader.num_workers=2', 'train_dataloader.persistent_workers=True']
    proc = start(train_command('mmaction2', user, work_dir, *workers))
    wait_for_line(proc, 'Epoch(train) [3][2/5]')
    children = subprocess.run(['pgrep', '-P', str(proc.pid)], capture_output=True, text=True)
    workers_alive = [int(pid) for pid in children.stdout.split()]
    assert len(workers_alive) == 2
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 15  # data workers never outlive a killed main process
    while workers_alive and time.time() < deadline:
        workers_alive = [pid for pid in workers_alive if Path(f'/proc/{pid}').exists()]
        time.sleep(0.2)
    assert workers_alive == []
    newest = work_dir / 'epoch_2.pth'
    newest.write_bytes(newest.read_bytes()[:1000])  # as if killed while writing it
    resumed = run(train_command('mmaction2', user, work_dir) + ['--resume'])
    assert f'Resume: skipped checkpoint {newest} is truncated or corrupt' in resumed.stdout
    assert 'resumed epoch: 1, iter: 5' in resumed.stdout
    # iterations 6-15 run twice; EMA leaves training alone
    assert logged_losses(work_dir) == reference['losses']


def test_sigterm_saves_a_checkpoint_and_the_resumed_run_is_exact(tmp_path, reference):
    proc = start(train_command('mmaction2', TINY, tmp_path, 'train_dataloader.num_workers=1'))
    wait_for_line(proc, 'Epoch(train) [2][2/5]')
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 143, output[-3000:]
    saved = sorted(p.name for p in tmp_path.glob('preempted_iter_*.pth'))
    assert len(saved) == 1 and 'Stopped by SIGTERM after iteration' in output
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / saved[0])
    resumed = run(train_command('mmaction2', TINY, tmp_path) + ['--resume'])
    assert 'Resuming mid-epoch: skipping the' in resumed.stdout
    assert logged_losses(tmp_path) == reference['losses']
    assert not list(tmp_path.glob('preempted_iter_*.pth'))  # superseded by epoch_3.pth


def test_dist_train_keeps_the_global_batch_and_lr(tmp_path, reference):
    """4 processes here; 2 processes in ``test_a_stuck_peer_is_reported_within_the_timeout``."""
    proc = run(
        ['bash', str(MMACTION_TOOLS / 'dist_train.sh'), str(TINY), '4', '--work-dir',
         str(tmp_path)],
        PORT='29540', timeout=400,
    )  # fmt: skip
    assert 'global batch 8 = 4 process(es) x 2, 5 iterations' in proc.stdout
    assert 'global batch 8 (4 process(es) x 2), lr 0.001' in proc.stdout
    assert len(logged_losses(tmp_path)) == 15  # same iterations per epoch as one process


def test_a_second_run_into_a_live_work_dir_is_refused_before_it_writes(tmp_path):
    first = start(train_command('mmaction2', TINY, tmp_path, 'train_cfg.max_epochs=1000'))
    try:
        wait_for_line(first, '[1][1/5]')
        os.killpg(first.pid, signal.SIGSTOP)  # holds the work dir without training on
        dumped = (tmp_path / TINY.name).read_bytes()
        folders = sorted(path.name for path in tmp_path.iterdir() if path.is_dir())
        second = run(train_command('mmaction2', TINY, tmp_path, 'model.backbone.depth=2'),
                     expect_rc=2)  # fmt: skip
        assert second.stderr.splitlines()[-1].startswith(f'error: work dir {tmp_path} is in use')
        assert f'(pid {first.pid}, host ' in second.stderr
        # no log folder of its own (one started in the same second would be the winner's)
        assert sorted(path.name for path in tmp_path.iterdir() if path.is_dir()) == folders
        assert (tmp_path / TINY.name).read_bytes() == dumped
        assert first.poll() is None
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()


def test_resuming_a_finished_run_says_so(tmp_path, reference):
    finished = reference['work_dir'] / 'epoch_3.pth'
    proc = run(train_command('mmaction2', TINY, tmp_path) + ['--resume', str(finished)])
    assert (
        f'WARNING - Resume: {finished} ends the schedule (train_cfg.max_epochs=3): nothing left '
        'to train; to train longer, resume with a larger max_epochs'
    ) in proc.stdout
    assert logged_losses(tmp_path) == {}


def test_a_stuck_peer_is_reported_within_the_timeout(tmp_path):
    proc = start(
        ['bash', str(MMACTION_TOOLS / 'dist_train.sh'), str(TINY), '2', '--work-dir',
         str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1000',
         'env_cfg.dist_cfg.timeout=10'],
        PORT='29570',
    )  # fmt: skip
    try:
        # the global batch and lr of 2 processes, and one process's 5 iterations per epoch
        seen = wait_for_line(proc, '[2][1/5]')
        assert 'global batch 8 = 2 process(es) x 4, 5 iterations' in seen
        assert 'global batch 8 (2 process(es) x 4), lr 0.001' in seen
        assert '[1][5/5]' in seen
        pattern = f'local-rank=1 .*--work-dir {tmp_path}'
        rank_1 = subprocess.run(['pgrep', '-f', '--', pattern], capture_output=True,
                                text=True).stdout.split()  # fmt: skip
        assert len(rank_1) == 1
        os.kill(int(rank_1[0]), signal.SIGSTOP)
        stopped = time.time()
        wait_for_line(proc, 'error: rank 0 timed out waiting for another process in a collective')
        assert time.time() - stopped < 60
    finally:
        subprocess.run(['pkill', '-KILL', '-f', '--', f'--work-dir {tmp_path}'])
