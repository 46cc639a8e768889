"""One live training run per work dir.

Two runs writing into one work dir overwrite each other's checkpoints and
logs. The run holds ``work_dir/train.lock`` (JSON: pid, host, start time)
for its lifetime; a second run exits at once naming the holder. A lock
whose process is gone (same host, pid not alive) is taken over with a
warning. On another host liveness cannot be checked, so such a lock is
always refused; delete it by hand if that run is known to be dead.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Optional

from mmengine.logging import print_log

LOCK_NAME = 'train.lock'


class WorkDirLocked(RuntimeError):
    """Another live run holds the work dir."""


def _process_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (zombies count as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != 'Z'


def _describe(holder: dict) -> str:
    started = holder.get('started')
    when = time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(started)) if started else '?'
    return f'pid {holder.get("pid")} on host {holder.get("host")}, started {when}'


def _read_holder(path: Path) -> Optional[dict]:
    try:
        holder = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # half-written or foreign content: treat as a stale lock
    return holder if isinstance(holder, dict) else {}


class WorkDirLock:
    """Exclusive, process-lifetime lock on a work dir (a context manager).

    Args:
        work_dir: the run's work dir (created if missing).
    """

    def __init__(self, work_dir: str) -> None:
        self.path = Path(work_dir, LOCK_NAME)
        self.held = False

    def acquire(self) -> None:
        """Take the lock, taking over a stale one.

        Raises:
            WorkDirLocked: naming the live holder (pid, host, start time).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = dict(pid=os.getpid(), host=socket.gethostname(), started=time.time())
        for _ in range(2):  # at most one stale lock to clear
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._clear_stale_or_raise(me['host'])
                continue
            with os.fdopen(handle, 'w') as stream:
                json.dump(me, stream)
            self.held = True
            return
        raise WorkDirLocked(f'{self.path}: another run took the lock while it was being cleared')

    def _clear_stale_or_raise(self, host: str) -> None:
        """Raise for a live holder; remove a stale lock.

        An advisory lock on the work dir itself makes "read, judge stale,
        unlink" one step, so two runs taking over the same stale lock cannot
        delete each other's fresh one.
        """
        guard = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(guard, fcntl.LOCK_EX)
            self._judge_holder(host)
        finally:
            os.close(guard)

    def _judge_holder(self, host: str) -> None:
        holder = _read_holder(self.path)
        if holder is None:
            return  # released meanwhile
        pid = holder.get('pid')
        dead = bool(holder) and holder.get('host') == host and isinstance(pid, int)
        dead = dead and not _process_alive(pid)
        if holder and not dead:
            raise WorkDirLocked(
                f'work dir {self.path.parent} is in use by another run ({_describe(holder)}); '
                f'use another --work-dir, or wait for it to end. If that run is dead '
                f'(e.g. on another host), delete {self.path}'
            )
        print_log(
            f'Taking over the stale lock {self.path} '
            f'({_describe(holder) if holder else "unreadable content"}, process gone)',
            logger='current',
            level=logging.WARNING,
        )
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """Remove the lock if this process holds it."""
        if self.held:
            holder = _read_holder(self.path)
            if holder and holder.get('pid') == os.getpid():
                self.path.unlink(missing_ok=True)
            self.held = False

    def __enter__(self) -> WorkDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def lock_work_dir(work_dir: str, rank: int) -> AbstractContextManager:
    """The work-dir lock for rank 0; other ranks of the same run hold nothing.

    A refused rank 0 exits before the process group starts, and the launcher
    (torchrun) then stops the other ranks.
    """
    return WorkDirLock(work_dir) if rank == 0 else nullcontext()
