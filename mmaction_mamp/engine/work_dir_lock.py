"""One live training run per work dir: an exclusive ``flock`` on ``work_dir/train.lock``.

The system releases it when its process ends, however it ends, so it is never stale; the
file names the holder for the refusal. Across hosts it holds where the shared file system
supports ``flock`` (NFS, GPFS, Lustre with ``-o flock``); without ``flock``, a warning.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import os.path as osp
import socket
import time
from pathlib import Path
from typing import Dict

from mmengine.logging import print_log

from ..utils.errors import WorkDirLocked

#: The locks this process holds: path -> file descriptor.
HELD: Dict[str, int] = {}


def described(content: str) -> str:
    """``'pid 7, host vm, started 2026-11-30 07:48:56 UTC'`` from a lock's content."""
    try:
        return ', '.join(f'{key} {value}' for key, value in json.loads(content).items())
    except (ValueError, AttributeError):
        return 'its details are being written'


class WorkDirLock:
    """Exclusive lock on ``work_dir`` for a run of this process."""

    def __init__(self, work_dir: str) -> None:
        self.path = osp.abspath(osp.join(work_dir, 'train.lock'))

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self.path in HELD

    def acquire(self) -> None:
        """Take the lock (a lock this process already holds, from an earlier run, too).

        Raises:
            WorkDirLocked: another live process holds it (named in the message).
        """
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        while not self.held:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                content = os.read(descriptor, 4096).decode(errors='replace')
                os.close(descriptor)
                if isinstance(error, BlockingIOError):
                    raise WorkDirLocked(
                        f'work dir {osp.dirname(self.path)} is in use by another run '
                        f'({described(content)}); use another --work-dir, or wait for it to end'
                    ) from error
                message = f'cannot lock {self.path} ({error}): runs into it are not guarded'
                print_log(message, logger='current', level=logging.WARNING)
                return
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                current = None
            if current is not None and osp.samestat(os.fstat(descriptor), current):
                started = time.strftime('%Y-%m-%d %H:%M:%S %Z')
                holder = dict(pid=os.getpid(), host=socket.gethostname(), started=started)
                os.ftruncate(descriptor, 0)
                os.write(descriptor, json.dumps(holder).encode())
                HELD[self.path] = descriptor
            else:  # released (and removed) meanwhile: lock the file now in its place
                os.close(descriptor)

    def release(self) -> None:
        """Give the lock back if this process holds it."""
        descriptor = HELD.pop(self.path, None)
        if descriptor is not None:
            Path(self.path).unlink(missing_ok=True)
            os.close(descriptor)
