"""One live training run per work dir: an exclusive ``flock`` on ``work_dir/train.lock``,
dropped by the system when its process ends (never stale), the file naming the holder.
Across hosts it holds where the file system supports ``flock``; without it, a warning."""

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


class WorkDirLock:
    """Exclusive lock on ``work_dir`` for a run of this process."""

    def __init__(self, work_dir: str) -> None:
        self.path = osp.abspath(osp.join(work_dir, 'train.lock'))

    @property
    def held(self) -> bool:
        return self.path in HELD

    def acquire(self) -> None:
        """Take the lock (also one this process holds from an earlier run); raises
        :class:`WorkDirLocked` naming the live process that holds it."""
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        while not self.held:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                content = os.read(descriptor, 4096)
                os.close(descriptor)
                if not isinstance(error, BlockingIOError):
                    message = f'cannot lock {self.path} ({error}): runs into it are not guarded'
                    print_log(message, logger='current', level=logging.WARNING)
                    return
                try:
                    holder = ', '.join(
                        f'{key} {value}' for key, value in json.loads(content).items()
                    )
                except (ValueError, AttributeError):
                    holder = 'its details are being written'
                raise WorkDirLocked(
                    f'work dir {osp.dirname(self.path)} is in use by another run ({holder}); '
                    'use another --work-dir, or wait for it to end'
                ) from error
            try:
                ours = osp.samestat(os.fstat(descriptor), os.stat(self.path))
            except FileNotFoundError:
                ours = False
            if not ours:  # released (and removed) meanwhile: lock the file now in its place
                os.close(descriptor)
                continue
            started = time.strftime('%Y-%m-%d %H:%M:%S %Z')
            holder = dict(pid=os.getpid(), host=socket.gethostname(), started=started)
            os.ftruncate(descriptor, 0)
            os.write(descriptor, json.dumps(holder).encode())
            HELD[self.path] = descriptor

    def release(self) -> None:
        """Give the lock back if this process holds it."""
        descriptor = HELD.pop(self.path, None)
        if descriptor is not None:
            Path(self.path).unlink(missing_ok=True)
            os.close(descriptor)
