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
    """Write ``data`` to ``path`` (parents created) through a temporary file named after this
    host and process, fsync, rename: a crash, kill or full disk leaves the old or new file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f'.{target.name}.{_host()}.{os.getpid()}.', suffix='.tmp'
    )
    umask = os.umask(0)  # read without changing it for long
    os.umask(umask)
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    try:  # make the rename durable (POSIX; skipped where folders cannot be opened)
        folder = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def remove_stale_temporaries(directory: Union[str, Path]) -> List[str]:
    """Delete (and return) the temporary files of :func:`atomic_write_bytes` whose writer,
    on this host, no longer exists (a SIGKILLed save)."""
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
        pass
    return True
