"""PKU-MMD phase I / II skeleton and label files -> per-action clip pickles.

Official processing (the MAMP data scripts): one skeleton text file per video, one
row of 150 values per frame (2 bodies x 25 joints x x y z); one label file
per video with rows ``label,start,end,confidence``, each row a clip of frames
``[start, end)`` with class ``label - 1``. No translation or denoising; clips
longer than 300 frames are truncated to their first 300 frames; all-zero
clips are skipped. The official pipeline zero-pads shorter clips to 300
frames; the pickle stores the clip's own frames instead (``total_frames``).

Splits: the second line of ``cross-subject.txt`` / ``cross-view.txt`` (phase
II: ``cross_subject_v2.txt`` / ``cross_view_v2.txt``) lists the training
videos separated by ``", "``; every other video is a test video.
"""

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Set, Tuple

import numpy as np

from .records import InputFormatError, PathLike, Sample, SkippedSample

NUM_CLASSES = 51
NUM_BODIES = 2
NUM_JOINTS = 25
VALUES_PER_FRAME = NUM_BODIES * NUM_JOINTS * 3
MAX_CLIP_FRAMES = 300
LABEL_FIELDS = 4  # label, start, end, confidence


@dataclass(frozen=True)
class ClipLabel:
    """One row of a label file.

    Args:
        line: 1-based line in the label file.
        label: 0-based class (file value - 1).
        start: First frame (0-based row of the skeleton file).
        end: End frame, exclusive.
    """

    line: int
    label: int
    start: int
    end: int


def _read_lines(path: PathLike) -> List[str]:
    """Lines of a text file without trailing blank lines."""
    try:
        lines = Path(path).read_text(encoding='ascii').splitlines()
    except UnicodeDecodeError as error:
        raise InputFormatError(path, None, 'not a text file', str(error)) from None
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def read_pku_skeleton(path: PathLike) -> np.ndarray:
    """Parse a PKU-MMD skeleton file.

    Returns:
        (N, 2, 25, 3) float32, one entry per row (frame).

    Raises:
        InputFormatError: empty file, a row without exactly 150 values
            (``'wrong joint count'``), a non-numeric or non-finite value,
            each naming the line.
    """
    rows = [line.split() for line in _read_lines(path)]
    if not rows:
        raise InputFormatError(path, None, 'empty sequence', 'the skeleton file has no frame')
    for index, row in enumerate(rows):
        if len(row) != VALUES_PER_FRAME:
            raise InputFormatError(
                path,
                index + 1,
                'wrong joint count',
                f'{len(row)} values, expected {VALUES_PER_FRAME} '
                f'({NUM_BODIES} bodies x {NUM_JOINTS} joints x 3 coordinates)',
            )
    try:
        values = np.array(list(itertools.chain.from_iterable(rows)), dtype=np.float64)
    except ValueError:
        raise _locate_non_numeric(path, rows) from None
    frames = values.reshape(len(rows), NUM_BODIES, NUM_JOINTS, 3).astype(np.float32)
    finite = np.isfinite(frames).reshape(len(rows), -1).all(axis=1)
    if not finite.all():
        line = int(np.flatnonzero(~finite)[0]) + 1
        raise InputFormatError(path, line, 'non-finite coordinate', 'NaN or infinity in the row')
    return frames


def _locate_non_numeric(path: PathLike, rows: List[List[str]]) -> InputFormatError:
    """The error for the first row holding a non-numeric value."""
    for index, row in enumerate(rows):
        try:
            np.array(row, dtype=np.float64)
        except ValueError:
            return InputFormatError(path, index + 1, 'malformed line', 'non-numeric value')
    raise AssertionError('no non-numeric row found')  # callers only call on a failure


def parse_label_row(path: PathLike, line: int, text: str) -> ClipLabel:
    """Parse ``label,start,end,confidence``.

    Raises:
        InputFormatError: ``'malformed line'``, ``'unknown action id'``
            (outside 1-51) or ``'empty sequence'`` (end <= start).
    """
    fields = [value.strip() for value in text.split(',')]
    if len(fields) != LABEL_FIELDS:
        raise InputFormatError(
            path, line, 'malformed line', f'expected label,start,end,confidence, got {text!r}'
        )
    try:
        label, start, end = (int(value) for value in fields[:3])
    except ValueError:
        raise InputFormatError(
            path, line, 'malformed line', f'label, start and end must be integers: {text!r}'
        ) from None
    if not 1 <= label <= NUM_CLASSES:
        raise InputFormatError(
            path, line, 'unknown action id', f'label {label} is outside 1-{NUM_CLASSES}'
        )
    if start < 0 or end <= start:
        raise InputFormatError(path, line, 'empty sequence', f'clip [{start}, {end}) is empty')
    return ClipLabel(line, label - 1, start, end)


def read_pku_labels(path: PathLike) -> Tuple[List[ClipLabel], List[InputFormatError]]:
    """All rows of a label file; a bad row is returned as an error, not raised.

    Returns:
        The valid rows and one error per bad row (blank lines are ignored).
    """
    clips: List[ClipLabel] = []
    errors: List[InputFormatError] = []
    for index, text in enumerate(_read_lines(path)):
        if not text.strip():
            continue
        try:
            clips.append(parse_label_row(path, index + 1, text))
        except InputFormatError as error:
            errors.append(error)
    return clips, errors


def read_split_file(path: PathLike) -> Set[str]:
    """Training videos: the second line, names separated by commas.

    Raises:
        InputFormatError: the file has no non-empty second line.
    """
    lines = _read_lines(path)
    if len(lines) < 2 or not lines[1].strip():
        raise InputFormatError(
            path, 2, 'malformed split file', 'line 2 must list the training videos'
        )
    return {name.strip() for name in lines[1].split(',') if name.strip()}


def clip_name(video: str, clip: ClipLabel) -> str:
    """``frame_dir`` of a clip: the video name and the label-file line."""
    return f'{video}_{clip.line:03d}'


def extract_clip(
    skeleton: np.ndarray, clip: ClipLabel, label_path: PathLike
) -> Tuple[np.ndarray, Optional[str]]:
    """Frames ``[start, end)`` truncated to 300, as (2, T, 25, 3).

    An end beyond the skeleton is clipped like the official slicing; a note
    says so.

    Args:
        skeleton: (N, 2, 25, 3) float32 video.
        clip: The label row.
        label_path: Label file, for messages.

    Returns:
        The clip keypoint (2, T, 25, 3) float32 and an optional note.

    Raises:
        InputFormatError: ``'clip outside skeleton'`` or ``'all-zero clip'``.
    """
    num_frames = len(skeleton)
    if clip.start >= num_frames:
        raise InputFormatError(
            label_path,
            clip.line,
            'clip outside skeleton',
            f'clip [{clip.start}, {clip.end}) starts after the {num_frames}-frame skeleton',
        )
    frames = skeleton[clip.start : clip.end][:MAX_CLIP_FRAMES]
    if not frames.any():
        raise InputFormatError(
            label_path, clip.line, 'all-zero clip', f'clip [{clip.start}, {clip.end}) is all zero'
        )
    note = None
    if clip.end > num_frames:
        note = (
            f'{label_path}:{clip.line}: clip [{clip.start}, {clip.end}) ends after the '
            f'{num_frames}-frame skeleton; kept frames [{clip.start}, {num_frames})'
        )
    return np.ascontiguousarray(frames.transpose(1, 0, 2, 3)), note


@dataclass
class PkuVideoResult:
    """Clips of one video, plus its skips and notes."""

    video: str
    samples: List[Sample] = field(default_factory=list)
    skipped: List[SkippedSample] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def convert_pku_video(task: Tuple[str, str]) -> PkuVideoResult:
    """All clips of one video (runs in a worker process).

    Args:
        task: (skeleton file, label file). A bad skeleton file skips the whole
            video; a bad label row skips only its clip.
    """
    skeleton_path, label_path = task
    video = Path(label_path).stem
    result = PkuVideoResult(video)
    try:
        skeleton = read_pku_skeleton(skeleton_path)
        clips, row_errors = read_pku_labels(label_path)
    except InputFormatError as error:
        result.skipped.append(SkippedSample.from_error(video, error))
        return result
    except OSError as error:
        result.skipped.append(SkippedSample(video, 'unreadable file', str(error)))
        return result
    for error in row_errors:
        result.skipped.append(SkippedSample.from_error(f'{video}_{error.line:03d}', error))
    for clip in clips:
        name = clip_name(video, clip)
        try:
            keypoint, note = extract_clip(skeleton, clip, label_path)
        except InputFormatError as error:
            result.skipped.append(SkippedSample.from_error(name, error))
            continue
        result.samples.append(Sample(name, clip.label, keypoint))
        if note is not None:
            result.notes.append(note)
    return result
