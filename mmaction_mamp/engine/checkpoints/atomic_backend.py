"""``atomic_local``: mmengine's local file backend with atomic writes, for checkpoints.

mmengine writes checkpoints with ``open(path, 'wb')``: a kill or a full disk during the
write leaves a partial ``epoch_N.pth``. Selected through the public ``backend_args``
seam (``SafeCheckpointHook`` does for local work dirs), this backend writes through a
temporary file, fsync and rename instead.
"""

from mmengine.fileio import LocalBackend, register_backend

from ...utils.atomic_file import atomic_write_bytes

BACKEND_NAME = 'atomic_local'


@register_backend(BACKEND_NAME)
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` / ``put_text`` never leave a partial file."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write_bytes(filepath, obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(filepath, obj.encode(encoding))
