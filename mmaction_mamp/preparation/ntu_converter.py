"""NTU RGB+D 60 / 120 ``.skeleton`` folders -> one ``PoseDataset`` pickle.

Streaming: the worker processes each parse one file per task
(:func:`convert_ntu_file`) and send back a compact float32 keypoint array;
raw text is never held for more than the file being parsed. The pickle is
written at the end from those arrays.

Memory: a sample costs 2 * T * 25 * 3 * 4 = 600 * T bytes with T its kept
frames (not padded to 300: mmaction2's ``PoseDataset`` stores
``total_frames`` and the MAMP crop reads only valid frames). NTU RGB+D 120
has about 8 million frames over its 114,480 samples (about 70 per sample,
per its paper), so the ~114k converted samples hold about 8e6 * 600 B = 4.8 GB
(the official 300-frame padding would need 114k * 180 kB = 20.5 GB); NTU-60
(about 4 million frames) about 2.4 GB. Pickling numpy arrays with protocol 5
writes them without copies, so this is the peak; training later loads the
same pickle, so it is also what a training machine needs per process.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from .annotation_writer import write_summary_output
from .ntu_skeleton import process_recording, read_skeleton_file
from .ntu_splits import (
    NTU_VARIANTS,
    NtuSampleId,
    NtuVariant,
    belongs_to,
    build_splits,
    parse_sample_name,
    validate_sample_id,
)
from .parallel import ordered_map
from .records import ConversionSummary, InputFormatError, PathLike, Sample, SkippedSample

Progress = Callable[[Iterator, int], Iterable]
NO_BODY = 'no body'
LISTED_MISSING = 'in the official missing-skeleton list'


@dataclass
class NtuFileResult:
    """Outcome of one file: a sample or the reason it was skipped."""

    name: str
    sample: Optional[Sample] = None
    skipped: Optional[SkippedSample] = None


def convert_ntu_file(path: str, label: int) -> NtuFileResult:
    """Parse and process one file (runs in a worker process).

    Args:
        path: The ``.skeleton`` file.
        label: 0-based class (action id - 1) from the validated file name.
    """
    name = Path(path).stem
    try:
        keypoint = process_recording(read_skeleton_file(path))
    except InputFormatError as error:
        return NtuFileResult(name, skipped=SkippedSample.from_error(name, error))
    except OSError as error:
        return NtuFileResult(name, skipped=SkippedSample(name, 'unreadable file', str(error)))
    return NtuFileResult(name, sample=Sample(name, label, keypoint))


def find_skeleton_files(folders: Sequence[PathLike]) -> List[Path]:
    """``*.skeleton`` files directly inside the folders, sorted by name.

    Raises:
        FileNotFoundError: a folder does not exist or holds no ``.skeleton`` file.
    """
    files: List[Path] = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise FileNotFoundError(f'skeleton folder {folder} does not exist')
        found = list(folder.glob('*.skeleton'))
        if not found:
            raise FileNotFoundError(
                f'skeleton folder {folder} holds no *.skeleton file; give the folder the NTU '
                'archive unpacks to (nturgb+d_skeletons)'
            )
        files += found
    return sorted(files, key=lambda path: (path.name, str(path)))


def select_files(
    files: Sequence[Path], variant: NtuVariant, summary: ConversionSummary
) -> List[Tuple[Path, NtuSampleId]]:
    """Files of the release with valid, unique names; the rest go to ``summary``."""
    selected: List[Tuple[Path, NtuSampleId]] = []
    seen: Dict[str, Path] = {}
    for path in files:
        try:
            sample_id = parse_sample_name(path.stem, path)
            if not belongs_to(sample_id, variant):
                summary.ignored[f'not part of {variant.title}'] += 1
                continue
            validate_sample_id(sample_id, variant, path)
        except InputFormatError as error:
            summary.skipped.append(SkippedSample.from_error(path.stem, error))
            continue
        if path.stem in seen:
            message = f'{path}: duplicate sample: also found as {seen[path.stem]}'
            summary.skipped.append(SkippedSample(path.stem, 'duplicate sample', message))
            continue
        seen[path.stem] = path
        selected.append((path, sample_id))
    return selected


def read_missing_list(path: PathLike) -> Set[str]:
    """Sample names of the official ``..._samples_with_missing_skeletons.txt``.

    Any token of the form ``SsssCcccPpppRrrrAaaa`` counts (header lines and
    blank lines are ignored).
    """
    text = Path(path).read_text(encoding='utf-8', errors='replace')
    return set(re.findall(r'S\d{3}C\d{3}P\d{3}R\d{3}A\d{3}', text))


def apply_missing_list(
    samples: List[Sample], summary: ConversionSummary, listed: Set[str], considered: Set[str]
) -> List[Sample]:
    """Leave out listed samples (as the official scripts do) and cross-check.

    Adds a note comparing the samples found without any body with the
    official list (restricted to the converted files).

    Returns:
        The samples not in the list.
    """
    listed = listed & considered
    no_body = {record.name for record in summary.skipped if record.category == NO_BODY}
    kept = [sample for sample in samples if sample.name not in listed]
    for sample in samples:
        if sample.name in listed:
            message = f'{sample.name}: has bodies but is {LISTED_MISSING}; left out'
            summary.skipped.append(SkippedSample(sample.name, LISTED_MISSING, message))
    unlisted = sorted(no_body - listed)
    if no_body == listed:
        summary.notes.append(
            f'missing-skeleton list cross-check: the {len(listed)} listed samples are exactly '
            'the samples found without any body'
        )
    else:
        summary.notes.append(
            f'missing-skeleton list cross-check FAILED: {len(listed - no_body)} listed samples '
            f'have bodies, {len(unlisted)} samples without body are not listed '
            f'(first: {unlisted[:5]})'
        )
    return kept


def _release_notes(variant: NtuVariant, num_files: int, summary: ConversionSummary) -> None:
    """Compare the counts with those of the full release."""
    num_no_body = summary.skipped_by_category()[NO_BODY]
    summary.notes.append(
        f'{num_files:,} {variant.title} files read, {num_no_body:,} without any body '
        f'(full release: {variant.num_files:,} files, {variant.num_missing} without body)'
    )


def convert_ntu(
    folders: Sequence[PathLike],
    variant_name: str,
    out_file: PathLike,
    num_workers: int,
    missing_list: Optional[PathLike] = None,
    progress: Optional[Progress] = None,
) -> ConversionSummary:
    """Convert NTU RGB+D ``.skeleton`` folders into a ``PoseDataset`` pickle.

    Args:
        folders: Folders holding ``SsssCcccPpppRrrrAaaa.skeleton`` files (for
            NTU-120 both archives' folders, or one merged folder).
        variant_name: ``'ntu60'`` (splits ``xsub_*``, ``xview_*``; files of
            setups > 17 are ignored) or ``'ntu120'`` (``xsub_*``, ``xset_*``).
        out_file: Output ``.pkl``.
        num_workers: Worker processes (1 = in this process).
        missing_list: Optional official missing-skeleton list, cross-checked
            against the samples without any body; listed samples are left out.
        progress: Wraps the result iterator, e.g. ``lambda it, n: tqdm(it, total=n)``.

    Returns:
        The summary; every bad file appears in ``summary.skipped``.
    """
    variant = NTU_VARIANTS[variant_name]
    summary = ConversionSummary()
    selected = select_files(find_skeleton_files(folders), variant, summary)
    tasks = [(str(path), sample_id.label) for path, sample_id in selected]
    results = ordered_map(_run_task, tasks, num_workers)
    if progress is not None:
        results = progress(results, len(tasks))
    samples: List[Sample] = []
    for result in results:
        if result.sample is None:
            summary.skipped.append(result.skipped)
        else:
            samples.append(result.sample)
    if missing_list is not None:
        considered = {path.stem for path, _ in selected}
        samples = apply_missing_list(samples, summary, read_missing_list(missing_list), considered)
    _release_notes(variant, len(selected), summary)
    sample_ids = {path.stem: sample_id for path, sample_id in selected}
    splits = build_splits((sample_ids[sample.name] for sample in samples), variant)
    write_summary_output(out_file, samples, splits, summary)
    return summary


def _run_task(task: Tuple[str, int]) -> NtuFileResult:
    """Unpack a (path, label) task for :func:`convert_ntu_file`."""
    return convert_ntu_file(*task)
