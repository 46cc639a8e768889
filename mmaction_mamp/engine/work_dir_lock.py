"""One live training run per work dir.

Two runs writing into one work dir overwrite each other's checkpoints and logs. A run
holds ``work_dir/train.lock`` (JSON: pid, host, start time) for its lifetime; a second
run stops naming the holder. The lock file appears complete or not at all (written to a
temporary file, then hard-linked into place, which fails if a lock exists), so a reader
never sees a half-written lock. A lock whose process is gone (same host, pid not alive)
is taken over with a warning; a lock of this very process (an earlier run in the same
notebook kernel, which ended or failed) is taken over silently. On another host liveness
cannot be checked, so such a lock is always refused; delete it by hand if that run is
known to be dead.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import tempfile
import time
from pathlib import Path
from typing import Optional

from mmengine.logging import print_log

from ..utils.errors import WorkDirLocked

LOCK_NAME = 'train.lock'


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
    """The lock's content; None when there is no lock; ``{}`` for foreign content."""
    try:
        holder = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


class WorkDirLock:
    """Exclusive lock on a work dir for one run of this process.

    Args:
        work_dir: the run's work dir (created if missing).
    """

    def __init__(self, work_dir: str) -> None:
        self.path = Path(work_dir, LOCK_NAME)

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        holder = _read_holder(self.path)
        return (
            bool(holder)
            and holder.get('pid') == os.getpid()
            and (holder.get('host') == socket.gethostname())
        )

    def acquire(self) -> None:
        """Take the lock, taking over a stale one or an earlier one of this process.

        Raises:
            WorkDirLocked: naming the live holder (pid, host, start time).
        """
        if self.held:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = dict(pid=os.getpid(), host=socket.gethostname(), started=time.time())
        handle, draft = tempfile.mkstemp(dir=self.path.parent, prefix=f'.{LOCK_NAME}.')
        try:
            with os.fdopen(handle, 'w') as stream:
                json.dump(me, stream)
            for _ in range(2):  # at most one stale lock to clear
                try:
                    os.link(draft, self.path)
                    return
                except FileExistsError:
                    self._clear_stale_or_raise(me['host'])
            raise WorkDirLocked(
                f'{self.path}: another run took the lock while it was being cleared'
            )
        finally:
            os.unlink(draft)

    def _clear_stale_or_raise(self, host: str) -> None:
        """Raise for a live holder; remove a stale lock.

        An advisory lock on the work dir itself makes "read, judge stale, unlink" one
        step, so two runs taking over the same stale lock cannot delete each other's
        fresh one.
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
        same_host = holder.get('host') == host and isinstance(pid, int)
        if same_host and pid == os.getpid():
            self.path.unlink(missing_ok=True)  # an earlier run of this process
            return
        if not (same_host and not _process_alive(pid)):
            described = _describe(holder) if holder else 'unreadable content'
            raise WorkDirLocked(
                f'work dir {self.path.parent} is in use by another run ({described}); use '
                f'another --work-dir, or wait for it to end. If that run is dead (e.g. on '
                f'another host), delete {self.path}'
            )
        print_log(
            f'Taking over the stale lock {self.path} ({_describe(holder)}, process gone)',
            logger='current',
            level=logging.WARNING,
        )
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """Remove the lock if this process holds it."""
        if self.held:
            self.path.unlink(missing_ok=True)
