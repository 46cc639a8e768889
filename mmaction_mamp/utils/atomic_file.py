"""Write files so that readers see either the old content or the whole new one."""

from __future__ import annotations

import os
import re
import socket
import tempfile
from pathlib import Path
from typing import List, Union

#: ``.<target name>.<host>.<pid>.<random>.tmp``: whose write a temporary file belongs to.
_TEMPORARY = re.compile(r'^\..+\.(?P<host>[^.]+)\.(?P<pid>\d+)\.[^.]+\.tmp$')


def _host() -> str:
    return socket.gethostname().split('.')[0] or 'localhost'


def atomic_write_bytes(path: Union[str, Path], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync, then rename.

    A crash, a kill or a full disk leaves either the previous file or the complete new
    one, never a partial file at ``path``; the temporary file (named after this host and
    process, see :func:`remove_stale_temporaries`) is removed on failure. Parent folders
    are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f'.{target.name}.{_host()}.{os.getpid()}.', suffix='.tmp'
    )
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    _fsync_directory(target.parent)


def remove_stale_temporaries(directory: Union[str, Path]) -> List[str]:
    """Delete the temporary files of :func:`atomic_write_bytes` whose writer is dead.

    A write killed with SIGKILL leaves its temporary file. Only files written on this
    host by a process that no longer exists are removed; a live writer's file, another
    host's (on a shared file system) and any other file are left alone.

    Returns:
        The removed paths.
    """
    removed = []
    for path in Path(directory).glob('.*.tmp'):
        match = _TEMPORARY.match(path.name)
        if match and match['host'] == _host() and not _alive(int(match['pid'])):
            path.unlink(missing_ok=True)
            removed.append(str(path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _umask() -> int:
    """The process umask (read without changing it for long)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
