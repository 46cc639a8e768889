"""Error, per-file result and summary records shared by the converters.

A converter never raises on a bad input file: the file's problem becomes a
:class:`SkippedSample` (name, category, message naming file and line) and the
conversion goes on. :class:`ConversionSummary` collects what was written and
what was skipped for the final report.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import numpy as np

PathLike = Union[str, Path]


class InputFormatError(ValueError):
    """A raw input file breaks its format.

    Args:
        path: The offending file.
        line: 1-based line number of the problem, or None when it concerns
            the whole file (or a binary file without lines).
        category: Short stable reason used to group skips in the summary,
            e.g. ``'truncated file'``, ``'wrong joint count'``.
        detail: Human readable explanation.
    """

    def __init__(self, path: PathLike, line: Optional[int], category: str, detail: str) -> None:
        self.path = str(path)
        self.line = line
        self.category = category
        self.detail = detail
        location = self.path if line is None else f'{self.path}:{line}'
        super().__init__(f'{location}: {category}: {detail}')


@dataclass(frozen=True)
class SkippedSample:
    """A sample (or a whole input file) left out of the output.

    Args:
        name: Sample name (NTU ``SsssCcccPpppRrrrAaaa``, PKU-MMD clip name or
            npz row name) or the file name when no sample name exists.
        category: Reason group for the summary.
        message: Full message naming the file and, where known, the line.
    """

    name: str
    category: str
    message: str

    @classmethod
    def from_error(cls, name: str, error: InputFormatError) -> 'SkippedSample':
        """Turn a format error into a skip record."""
        return cls(name=name, category=error.category, message=str(error))


@dataclass
class Sample:
    """One converted sample, ready for the annotation pickle.

    Args:
        name: ``frame_dir`` of the annotation.
        label: 0-based class index (-1: unlabelled, for pre-training only).
        keypoint: (M, T, V, C) float32 skeleton, T = kept frames.
        keypoint_score: (M, T, V) float32 detector confidence (2-D poses), or None.
        img_shape: (height, width) of the video the 2-D pixels refer to, or None.
    """

    name: str
    label: int
    keypoint: np.ndarray
    keypoint_score: Optional[np.ndarray] = None
    img_shape: Optional[Tuple[int, int]] = None


@dataclass
class ConversionSummary:
    """What a conversion wrote, skipped and noticed.

    Args:
        written: Number of samples in the output pickle.
        skipped: One record per sample or file left out.
        ignored: Counts of inputs deliberately not converted (not errors),
            e.g. NTU-120 files when converting NTU-60, keyed by reason.
        notes: Remarks that did not stop a sample from being written.
        split_sizes: Number of samples per split name.
    """

    written: int = 0
    skipped: List[SkippedSample] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    notes: List[str] = field(default_factory=list)
    split_sizes: Dict[str, int] = field(default_factory=dict)

    def skipped_by_category(self) -> Counter:
        """Number of skips per category."""
        return Counter(record.category for record in self.skipped)

    def format(self, max_examples: int = 5) -> str:
        """Multi-line human readable report.

        Args:
            max_examples: Messages shown per skip category (all of them are
                in the skipped-list file when the CLI writes one).
        """
        lines = [f'written: {self.written} samples']
        lines += [f'  {name}: {size}' for name, size in self.split_sizes.items()]
        lines.append(f'skipped: {len(self.skipped)}')
        for category, count in sorted(self.skipped_by_category().items()):
            lines.append(f'  {category}: {count}')
            examples = [r.message for r in self.skipped if r.category == category]
            lines += [f'    {message}' for message in examples[:max_examples]]
            if count > max_examples:
                lines.append(f'    ... and {count - max_examples} more')
        for reason, count in sorted(self.ignored.items()):
            lines.append(f'ignored ({reason}): {count}')
        shown_notes = self.notes[: 4 * max_examples]
        lines += [f'note: {note}' for note in shown_notes]
        if len(self.notes) > len(shown_notes):
            lines.append(f'... and {len(self.notes) - len(shown_notes)} more notes')
        return '\n'.join(lines)

    def write_skipped_list(self, path: PathLike) -> None:
        """Write every skip as ``name<TAB>category<TAB>message`` lines."""
        rows = [f'{r.name}\t{r.category}\t{r.message}\n' for r in self.skipped]
        Path(path).write_text(''.join(rows), encoding='utf-8')
