"""CTR-GCN / MAMP-style ``NTU60_XSub.npz`` files -> ``PoseDataset`` pickles.

Such a file holds one benchmark: ``x_train``, ``y_train``, ``x_test``,
``y_test``. ``x_*`` is either (N, 300, 150) (per frame actor 1's then actor
2's 25 x y z joints, the layout written by the official scripts) or the
feeder layout (N, C=3, 300, V=25, M=2); ``y_*`` is one-hot (N, K) or integer
(N,) labels. The samples are already translated by the official scripts, so
they are used as they are. Each sample drops only its trailing zero padding
(frames after the last one with a non-zero coordinate sum): the count of
non-zero frames, which the official feeder (and ``ValidCropResize``) crops
by, and the frames it reads are unchanged.

The file stores no sample names: ``frame_dir`` becomes
``{benchmark}_{train|val}_{index:06d}`` and the splits ``{benchmark}_train``
/ ``{benchmark}_val``.

Streaming: ``x_*`` is read one sample at a time from the (possibly
compressed) zip member, so memory is the output plus one padded sample.
Reading is disk/zip bound, so it runs in one process.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import (
    BinaryIO,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import numpy as np

from .annotation_writer import write_summary_output
from .records import ConversionSummary, InputFormatError, PathLike, Sample, SkippedSample

Progress = Callable[[Iterator, int], Iterable]
PARTS = (('train', 'x_train', 'y_train'), ('val', 'x_test', 'y_test'))
BENCHMARK_TOKENS = {
    'xsub': ('xsub', 'csub', 'cs'),
    'xview': ('xview', 'cv'),
    'xset': ('xset', 'cset'),
}
CLASS_TOKENS = {'ntu60': 60, 'ntu120': 120, 'pku': 51}


@dataclass(frozen=True)
class ArrayHeader:
    """Shape, dtype and order of an ``.npy`` member."""

    shape: Tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool


def infer_benchmark(path: PathLike) -> str:
    """``'xsub'``, ``'xview'`` or ``'xset'`` from a name like ``NTU60_CS.npz``.

    Raises:
        ValueError: the name does not say.
    """
    tokens = set(Path(path).stem.lower().replace('-', '_').split('_'))
    for benchmark, names in BENCHMARK_TOKENS.items():
        if tokens & set(names):
            return benchmark
    raise ValueError(f'cannot tell the benchmark from the name {Path(path).name}; pass it')


def infer_num_classes(path: PathLike) -> Optional[int]:
    """Class count from a ``NTU60`` / ``NTU120`` token of the name, if any."""
    tokens = set(Path(path).stem.lower().replace('-', '_').split('_'))
    return next((count for token, count in CLASS_TOKENS.items() if token in tokens), None)


def _read_header(stream: BinaryIO, path: PathLike, member: str) -> ArrayHeader:
    """Parse an ``.npy`` header (format 1.0 or 2.0)."""
    try:
        version = np.lib.format.read_magic(stream)
        readers = {(1, 0): np.lib.format.read_array_header_1_0}
        readers[(2, 0)] = np.lib.format.read_array_header_2_0
        if version not in readers:
            raise ValueError(f'unsupported .npy format version {version}')
        shape, fortran_order, dtype = readers[version](stream)
    except ValueError as error:
        raise InputFormatError(path, None, 'malformed npz', f'{member}: {error}') from None
    if dtype.hasobject:
        raise InputFormatError(path, None, 'malformed npz', f'{member} holds Python objects')
    return ArrayHeader(tuple(shape), dtype, fortran_order)


def _member(archive: zipfile.ZipFile, path: PathLike, key: str) -> str:
    """Zip member name of array ``key``."""
    member = f'{key}.npy'
    if member not in archive.namelist():
        found = sorted(name.removesuffix('.npy') for name in archive.namelist())
        raise InputFormatError(path, None, 'malformed npz', f'no array {key!r} (found {found})')
    return member


def read_npz_header(path: PathLike, key: str) -> ArrayHeader:
    """Header of array ``key`` without reading its data."""
    with zipfile.ZipFile(path) as archive:
        member = _member(archive, path, key)
        with archive.open(member) as stream:
            return _read_header(stream, path, member)


def read_npz_array(path: PathLike, key: str) -> np.ndarray:
    """Array ``key`` entirely (for the small label arrays)."""
    with zipfile.ZipFile(path) as archive:
        member = _member(archive, path, key)
        with archive.open(member) as stream:
            header = _read_header(stream, path, member)
            size = _nbytes(header.shape, header.dtype)
            data = _read_exact(stream, size, path, f'{member} is shorter than its header says')
    order = 'F' if header.fortran_order else 'C'
    return np.frombuffer(data, header.dtype).reshape(header.shape, order=order)


def _nbytes(shape: Sequence[int], dtype: np.dtype) -> int:
    return int(np.prod(shape, dtype=np.int64)) * dtype.itemsize


def _read_exact(stream: BinaryIO, size: int, path: PathLike, what: str) -> bytes:
    """``size`` bytes, or a truncation error saying ``what`` ended early."""
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise InputFormatError(path, None, 'truncated file', what)
        chunks.append(chunk)
        remaining -= len(chunk)
    return b''.join(chunks)


def iter_npz_rows(path: PathLike, key: str) -> Iterator[np.ndarray]:
    """Yield ``array[i]`` one at a time from a C-ordered ``.npy`` member.

    Raises:
        InputFormatError: missing array, Fortran order, object dtype, or a
            member shorter than its header says.
    """
    with zipfile.ZipFile(path) as archive:
        member = _member(archive, path, key)
        with archive.open(member) as stream:
            header = _read_header(stream, path, member)
            if header.fortran_order:
                raise InputFormatError(
                    path,
                    None,
                    'malformed npz',
                    f'{member} is Fortran-ordered; re-save it C-ordered',
                )
            row_shape = header.shape[1:]
            row_bytes = _nbytes(row_shape, header.dtype)
            for row in range(header.shape[0]):
                data = _read_exact(stream, row_bytes, path, f'{member} ends inside sample {row}')
                yield np.frombuffer(data, header.dtype).reshape(row_shape)


def row_to_keypoint(row: np.ndarray) -> np.ndarray:
    """One stored sample as (M=2, T, V=25, C=3) float32.

    Args:
        row: (T, 150) or (3, T, 25, 2).
    """
    if row.ndim == 2:
        keypoint = row.reshape(row.shape[0], 2, 25, 3).transpose(1, 0, 2, 3)
    else:
        keypoint = row.transpose(3, 1, 2, 0)
    return np.ascontiguousarray(keypoint, dtype=np.float32)


def check_sample_layout(header: ArrayHeader, path: PathLike, key: str) -> None:
    """``x_*`` must be (N, T, 150) or (N, 3, T, 25, 2) floats."""
    shape = header.shape
    valid = (len(shape) == 3 and shape[2] == 150) or (
        len(shape) == 5 and shape[1] == 3 and shape[3:] == (25, 2)
    )
    if not valid or header.dtype.kind != 'f':
        raise InputFormatError(
            path,
            None,
            'wrong joint count',
            f'{key} is {header.dtype} {shape}; expected floats (N, T, 150) or (N, 3, T, 25, 2)',
        )


def decode_labels(
    labels: np.ndarray, path: PathLike, key: str, num_classes: Optional[int]
) -> np.ndarray:
    """0-based class per sample from one-hot (N, K) or integer (N,) labels.

    Returns:
        (N,) int64.

    Raises:
        InputFormatError: not one-hot, unknown class, or no class count for
            integer labels.
    """
    if labels.ndim == 2:
        is_one_hot = np.isin(labels, (0, 1)).all(axis=1) & (labels.sum(axis=1) == 1)
        if not is_one_hot.all():
            bad = int(np.flatnonzero(~is_one_hot)[0])
            raise InputFormatError(path, None, 'malformed npz', f'{key} row {bad} is not one-hot')
        return labels.argmax(axis=1).astype(np.int64)
    if labels.ndim != 1 or labels.dtype.kind not in 'iu':
        raise InputFormatError(
            path, None, 'malformed npz', f'{key} is {labels.dtype} {labels.shape}; expected (N,)'
        )
    if num_classes is None:
        raise InputFormatError(
            path, None, 'malformed npz', f'{key} holds integer labels; give the class count'
        )
    unknown = np.flatnonzero((labels < 0) | (labels >= num_classes))
    if unknown.size:
        index = int(unknown[0])
        raise InputFormatError(
            path,
            None,
            'unknown action id',
            f'{key}[{index}] = {labels[index]} is outside 0-{num_classes - 1}',
        )
    return labels.astype(np.int64)


def sample_from_row(row: np.ndarray, name: str, label: int, path: PathLike) -> Sample:
    """Drop the trailing zero frames of a padded sample.

    Raises:
        InputFormatError: ``'non-finite coordinate'`` or ``'empty sequence'``
            (every frame zero), naming the sample.
    """
    keypoint = row_to_keypoint(row)
    if not np.isfinite(keypoint).all():
        raise InputFormatError(path, None, 'non-finite coordinate', f'sample {name}')
    non_zero = np.flatnonzero(keypoint.sum(axis=(0, 2, 3)) != 0)
    if non_zero.size == 0:
        raise InputFormatError(path, None, 'empty sequence', f'sample {name} is all zero')
    return Sample(name, label, np.ascontiguousarray(keypoint[:, : non_zero[-1] + 1]))


def _part_samples(
    path: PathLike, benchmark: str, part: Tuple[str, str, str], num_classes: Optional[int]
) -> Tuple[int, Iterator[Union[Sample, SkippedSample]]]:
    """Validated sample count and a lazy stream of one part of one file."""
    part_name, x_key, y_key = part
    header = read_npz_header(path, x_key)
    check_sample_layout(header, path, x_key)
    labels = decode_labels(read_npz_array(path, y_key), path, y_key, num_classes)
    if len(labels) != header.shape[0]:
        raise InputFormatError(
            path,
            None,
            'malformed npz',
            f'{x_key} has {header.shape[0]} samples, {y_key} {len(labels)}',
        )

    def stream() -> Iterator[Union[Sample, SkippedSample]]:
        for index, row in enumerate(iter_npz_rows(path, x_key)):
            name = f'{benchmark}_{part_name}_{index:06d}'
            try:
                yield sample_from_row(row, name, int(labels[index]), path)
            except InputFormatError as error:
                yield SkippedSample.from_error(name, error)

    return len(labels), stream()


def convert_npz(
    files: Sequence[Tuple[PathLike, str]],
    out_file: PathLike,
    num_classes: Optional[int] = None,
    progress: Optional[Progress] = None,
) -> ConversionSummary:
    """Convert one or more benchmark npz files into one pickle.

    Args:
        files: (npz path, benchmark) pairs, benchmarks distinct.
        out_file: Output ``.pkl``.
        num_classes: Class count for integer labels (else from the name).
        progress: Wraps each part's sample iterator.

    Raises:
        InputFormatError: a file whose structure is unusable (missing arrays,
            wrong layout, bad labels): nothing is written then.
    """
    summary = ConversionSummary()
    samples: List[Sample] = []
    splits: Dict[str, List[str]] = {}
    for path, benchmark in files:
        classes = num_classes or infer_num_classes(path)
        for part in PARTS:
            total, stream = _part_samples(path, benchmark, part, classes)
            if progress is not None:
                stream = progress(stream, total)
            names = splits.setdefault(f'{benchmark}_{part[0]}', [])
            for item in stream:
                if isinstance(item, SkippedSample):
                    summary.skipped.append(item)
                else:
                    samples.append(item)
                    names.append(item.name)
    write_summary_output(out_file, samples, splits, summary)
    return summary
