"""Reading annotation pickles without letting them run code or exhaust memory: only builtin
containers and scalars plus numpy arrays, dtypes and scalars are unpickled (any other global
is refused, naming the file and the global, before anything is called), and what unpickling
allocates stays proportional to the file (:class:`AnnotationUnpickler`)."""

from __future__ import annotations

import os
import pickle
from numbers import Integral
from pathlib import Path
from typing import Any, BinaryIO, Callable, Union

import numpy as np

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
    """Unpickler of :data:`ALLOWED_GLOBALS` (and numpy's dtype classes) from ``file``, named
    ``source``: ``bytes(n)``, ``bytearray(n)``, ``numpy.ndarray(shape, dtype)`` and
    ``_reconstruct(ndarray, shape, ...)`` may together declare at most ``size`` bytes, the
    file's (real data declares nothing: numpy passes the shape ``(0,)`` and fills the array
    from the file); object dtypes are refused (their state can crash numpy 2.x)."""

    def __init__(self, file, source: str, size: int) -> None:
        super().__init__(file)
        self.source = source
        self.budget = size
        self.declared = 0

    def find_class(self, module: str, name: str) -> Any:
        # numpy >= 1.25 pickles some dtypes through their classes in ``numpy.dtypes``
        dtype_class = module == 'numpy.dtypes' and name.endswith('DType') and name.isidentifier()
        if not ((module, name) in ALLOWED_GLOBALS or dtype_class):
            raise RefusedPickleGlobal(
                f'{self.source}: refused to load global "{module}.{name}"; annotation pickles '
                'may only hold builtin containers/scalars and numpy arrays, dtypes and scalars. '
                'If you trust this file, set allow_unsafe_pickle=True on the dataset (runs any '
                'code in it)'
            )
        found = super().find_class(module, name)
        if name in SIZED_CONSTRUCTORS or dtype_class or found in (np.ndarray, np.dtype):
            return _CheckedCall(self, found, f'{module}.{name}')
        return found

    def declare(self, call: str, size: int) -> None:
        """Count ``size`` bytes declared by ``call``; refuse beyond the file's size."""
        self.declared += size
        if self.declared > self.budget:
            raise RefusedPickleGlobal(
                f'{self.source}: refused {call}: it would allocate {self.declared} bytes, more '
                f'than the file holds ({self.budget} bytes); annotation pickles never ask for that'
            )


class _CheckedCall:
    """An allowed global whose call is counted against the budget (dtypes: no objects)
    before it runs; handed to ``_reconstruct``, ``numpy.ndarray`` is the plain class."""

    def __init__(self, unpickler: AnnotationUnpickler, constructor: Callable, name: str) -> None:
        self.unpickler = unpickler
        self.constructor = constructor
        self.name = name

    def __call__(self, *args) -> Any:
        if self.name.endswith('_reconstruct'):
            args = tuple(arg.constructor if isinstance(arg, _CheckedCall) else arg for arg in args)
        call = f'{self.name}{args!r}'[:200]
        if self.constructor is np.ndarray:
            self.unpickler.declare(call, _ndarray_bytes(*args))
        elif self.name.endswith('_reconstruct'):
            self.unpickler.declare(call, _count(args[1]))
        elif self.name.endswith(('bytes', 'bytearray')) and args and _is_size(args[0]):
            self.unpickler.declare(call, args[0])
        result = self.constructor(*args)
        if isinstance(result, np.dtype) and result.hasobject:
            raise RefusedPickleGlobal(
                f'{self.unpickler.source}: refused {call}: numpy object arrays are not '
                'annotation data'
            )
        return result


def _is_size(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _count(shape) -> int:
    """Elements of a declared shape (an int or a tuple of ints); refuses anything else."""
    dims = (shape,) if _is_size(shape) else tuple(shape)
    if not all(_is_size(n) and n >= 0 for n in dims):
        raise ValueError(f'shape {shape!r} is not a tuple of sizes')
    return int(np.prod(dims, dtype=object))


def _ndarray_bytes(shape=(), dtype=float, *_) -> int:
    """Bytes ``numpy.ndarray(shape, dtype, ...)`` allocates."""
    return _count(shape) * np.dtype(dtype).itemsize


#: Allowed globals that allocate as much as an integer argument asks.
SIZED_CONSTRUCTORS = frozenset({'bytes', 'bytearray', '_reconstruct'})


class _BoundedReader:
    """A binary file whose reads never ask for more than the bytes left in it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.size = os.fstat(stream.fileno()).st_size

    def read(self, size: int = -1) -> bytes:
        left = self.size - self._stream.tell()
        return self._stream.read(left if size is None or size < 0 else min(size, left))

    def readline(self) -> bytes:
        return self._stream.readline()


def load_annotation_pickle(path: Union[str, Path], allow_unsafe_pickle: bool = False) -> Any:
    """Unpickle a local annotation file; ``allow_unsafe_pickle``: plain ``pickle.load``
    (only for files you trust: any code in them runs).

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
            reader = _BoundedReader(stream)
            return AnnotationUnpickler(reader, path, reader.size).load()
        except RefusedPickleGlobal:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError) as exc:
            raise DataCheckError(
                f'{path}: not a readable annotation pickle (empty, truncated or corrupt): '
                f'{type(exc).__name__}: {exc}'
            ) from exc
