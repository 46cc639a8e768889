"""Reading annotation pickles without letting them run code or exhaust memory.

``pickle.load`` calls whatever global a file names, so a downloaded
annotation file with a ``__reduce__`` payload runs it. Annotation files only
need builtin containers and scalars plus numpy arrays, dtypes and scalars;
:func:`load_annotation_pickle` accepts exactly those and refuses any other
global, naming the file and the global, before anything is called.

Even allowed globals can be made to allocate far more than the file holds: a few bytes
asking for ``bytearray(5_000_000_000)`` or for an empty numpy array of that shape, or a
length field promising gigabytes of data. The calls that take a size are therefore
refused when given one (pickles of real data never do: numpy passes the shape ``(0,)``
and fills the array from bytes in the file), and no read asks for more than the file has
left, so what unpickling allocates stays proportional to the file.
"""

from __future__ import annotations

import os
import pickle
from numbers import Integral
from pathlib import Path
from typing import Any, BinaryIO, Callable, Union

from ..utils.errors import DataCheckError, RunRefused

ALLOWED_GLOBALS = frozenset(
    {
        (module, name)
        for module in ('builtins', '__builtin__')  # __builtin__: protocol 0-2 pickles
        for name in (
            'bool', 'bytearray', 'bytes', 'complex', 'dict', 'float', 'frozenset', 'int',
            'list', 'set', 'slice', 'str', 'tuple',
        )
    }
    | {('collections', 'OrderedDict')}
    | {('_codecs', 'encode')}  # how protocol 2 pickles bytes (e.g. inside numpy arrays)
    | {
        (f'{package}.{module}', name)
        for package in ('numpy.core', 'numpy._core')
        for module, name in (
            ('multiarray', '_reconstruct'),
            ('multiarray', 'scalar'),
            ('numeric', '_frombuffer'),
        )
    }
    | {('numpy', 'ndarray'), ('numpy', 'dtype')}
)  # fmt: skip


class RefusedPickleGlobal(RunRefused, pickle.UnpicklingError):
    """An annotation pickle names a global outside :data:`ALLOWED_GLOBALS` (or a size)."""


class AnnotationUnpickler(pickle.Unpickler):
    """Unpickler resolving only :data:`ALLOWED_GLOBALS` (and numpy's dtype classes)."""

    def __init__(self, file, source: str) -> None:
        super().__init__(file)
        self.source = source

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED_GLOBALS or _is_numpy_dtype_class(module, name):
            found = super().find_class(module, name)
            if name in SIZED_CONSTRUCTORS:
                return self._without_sizes(found, f'{module}.{name}')
            return found
        raise RefusedPickleGlobal(
            f'{self.source}: refused to load global "{module}.{name}"; annotation pickles may '
            'only hold builtin containers/scalars and numpy arrays, dtypes and scalars. If you '
            'trust this file, set allow_unsafe_pickle=True on the dataset (runs any code in it)'
        )

    def _without_sizes(self, constructor: Callable, name: str) -> Callable:
        """``constructor`` refusing the size arguments that would allocate that much."""

        def checked(*args):
            sizes = args[1] if name.endswith('_reconstruct') else args[:1]
            if any(isinstance(n, Integral) and not isinstance(n, bool) and n for n in sizes):
                raise RefusedPickleGlobal(
                    f'{self.source}: refused {name}{args!r}: it would allocate memory that the '
                    'file does not hold (annotation pickles never ask for that)'
                )
            return constructor(*args)

        return checked


#: Allowed globals that allocate as much as an integer argument asks.
SIZED_CONSTRUCTORS = frozenset({'bytes', 'bytearray', '_reconstruct'})


class _BoundedReader:
    """A binary file whose reads never ask for more than the bytes left in it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._size = os.fstat(stream.fileno()).st_size

    def read(self, size: int = -1) -> bytes:
        left = self._size - self._stream.tell()
        return self._stream.read(left if size is None or size < 0 else min(size, left))

    def readline(self) -> bytes:
        return self._stream.readline()


def _is_numpy_dtype_class(module: str, name: str) -> bool:
    """numpy >= 1.25 pickles some dtypes through their classes in ``numpy.dtypes``."""
    return module == 'numpy.dtypes' and name.endswith('DType') and name.isidentifier()


def load_annotation_pickle(path: Union[str, Path], allow_unsafe_pickle: bool = False) -> Any:
    """Unpickle an annotation file, refusing code unless ``allow_unsafe_pickle``.

    Args:
        path: local pickle file.
        allow_unsafe_pickle: use plain ``pickle.load`` (only for files you trust:
            any code in them runs).

    Raises:
        FileNotFoundError: the file does not exist.
        RefusedPickleGlobal: the file names a global outside the allow-list.
        DataCheckError: the file is empty, truncated or not a pickle (file named).
    """
    path = str(path)
    with open(path, 'rb') as stream:
        try:
            if allow_unsafe_pickle:
                return pickle.load(stream)
            return AnnotationUnpickler(_BoundedReader(stream), path).load()
        except RefusedPickleGlobal:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError) as exc:
            raise DataCheckError(
                f'{path}: not a readable annotation pickle (empty, truncated or corrupt): '
                f'{type(exc).__name__}: {exc}'
            ) from exc
