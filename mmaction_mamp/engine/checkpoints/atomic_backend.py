"""A local file backend whose writes are atomic, for mmengine's checkpoint saving.

mmengine writes checkpoints with ``open(path, 'wb')``: a kill or a full disk
during the write leaves a partial ``epoch_N.pth`` that ``--resume`` then
trips over. This backend writes through a temporary file, fsyncs and renames
(:func:`~mmaction_mamp.utils.atomic_file.atomic_write_bytes`).
:class:`~mmaction_mamp.engine.hooks.SafeCheckpointHook` selects it for local
work dirs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

from ...utils.atomic_file import atomic_write_bytes

BACKEND_NAME = 'atomic_local'


@register_backend(BACKEND_NAME)
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` / ``put_text`` never leave a partial file."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes atomically (temporary file, fsync, rename)."""
        atomic_write_bytes(filepath, obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Write text atomically (temporary file, fsync, rename)."""
        atomic_write_bytes(filepath, obj.encode(encoding))
