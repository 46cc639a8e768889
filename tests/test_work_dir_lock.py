"""One live run per work dir: a second process is refused, a killed holder leaves no stale lock."""

import errno
import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.logging import MMLogger

from mmaction_mamp.engine import WorkDirLock
from mmaction_mamp.utils.errors import WorkDirLocked

REPO = Path(__file__).resolve().parents[1]
# The lock module alone in a child process: the plugin's packages without their __init__
# (which imports mmaction2), so a process starts in a fraction of a second.
LOCK_ONLY = f"""
import sys, types
for name in ('mmaction_mamp', 'mmaction_mamp.engine', 'mmaction_mamp.utils'):
    package = types.ModuleType(name)
    package.__path__ = [{str(REPO)!r} + '/' + name.replace('.', '/')]
    sys.modules[name] = package
from mmaction_mamp.engine.work_dir_lock import WorkDirLock
from mmaction_mamp.utils.errors import WorkDirLocked
"""


def test_live_lock_refuses_a_second_run(tmp_path):
    lock = WorkDirLock(str(tmp_path))
    lock.acquire()
    holder = json.loads((tmp_path / 'train.lock').read_text())
    assert holder['pid'] == os.getpid() and holder['host'] == socket.gethostname()
    other = subprocess.run(
        [sys.executable, '-c', LOCK_ONLY + f'WorkDirLock({str(tmp_path)!r}).acquire()'],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert other.returncode == 1
    assert f'is in use by another run (pid {os.getpid()}, host ' in other.stderr
    lock.release()
    assert not (tmp_path / 'train.lock').exists()


def test_an_earlier_lock_of_this_process_is_taken_over(tmp_path):
    """A run that failed in a notebook kernel leaves its lock; the next run there goes on."""
    WorkDirLock(str(tmp_path)).acquire()
    lock = WorkDirLock(str(tmp_path))
    lock.acquire()
    assert lock.held


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, '-c', LOCK_ONLY + f'WorkDirLock({str(tmp_path)!r}).acquire()\n'
         'print("held", flush=True); import time; time.sleep(600)'],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline() == 'held\n'
        with pytest.raises(WorkDirLocked, match=f'pid {holder.pid}, host '):
            WorkDirLock(str(tmp_path)).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    lock = WorkDirLock(str(tmp_path))
    lock.acquire()  # the file is still there, the dead process's lock is not
    assert json.loads((tmp_path / 'train.lock').read_text())['pid'] == os.getpid()
    lock.release()


def test_a_file_system_without_flock_runs_unguarded_with_a_warning(tmp_path, monkeypatch):
    def no_flock(descriptor, operation):
        raise OSError(errno.ENOLCK, 'No locks available')

    monkeypatch.setattr(fcntl, 'flock', no_flock)
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    MMLogger.get_current_instance().addHandler(handler)
    try:
        WorkDirLock(str(tmp_path)).acquire()
    finally:
        MMLogger.get_current_instance().removeHandler(handler)
    assert messages == [
        f'cannot lock {tmp_path}/train.lock ([Errno {errno.ENOLCK}] No locks available): runs '
        'into it are not guarded'
    ]


_CONTENDER = (
    LOCK_ONLY
    + """
import pathlib, time
work_dir, log, contenders = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3])
log.with_suffix('.ready').touch()  # start together, once every process has imported
while len(list(log.parent.glob('*.ready'))) < contenders:
    time.sleep(0.01)
holds, end = [], time.time() + 1  # thousands of acquisitions, each process spinning
while time.time() < end:
    lock = WorkDirLock(work_dir)
    try:
        lock.acquire()
    except WorkDirLocked:
        continue
    start = time.time()
    assert lock.held
    holds.append((start, time.time()))
    lock.release()
open(log, 'w').write('\\n'.join(f'{a} {b}' for a, b in holds))
"""
)


@pytest.mark.slow
def test_contending_processes_never_hold_the_lock_at_once(tmp_path):
    logs = [tmp_path / f'holds_{i}.txt' for i in range(3)]
    procs = [
        subprocess.Popen([sys.executable, '-c', _CONTENDER, str(tmp_path / 'work'), str(log), '3'])
        for log in logs
    ]
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0, 0]
    holds = sorted(
        (float(a), float(b), i)
        for i, log in enumerate(logs)
        for a, b in (line.split() for line in log.read_text().splitlines())
    )
    assert len({owner for _, _, owner in holds}) == 3 and len(holds) >= 100
    overlaps = [(x, y) for x, y in zip(holds, holds[1:]) if y[0] < x[1]]
    assert overlaps == []
