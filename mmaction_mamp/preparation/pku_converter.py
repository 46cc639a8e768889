"""PKU-MMD skeleton + label folders -> one ``PoseDataset`` pickle.

One task per video (skeleton file + label file) in worker processes; each
returns its clips as compact float32 arrays. Memory: 600 B per clip frame,
at most 300 frames per clip: about 2 GB for phase I's ~21.5k clips in the
worst case, typically far less.
"""

from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from .annotation_writer import write_summary_output
from .parallel import ordered_map
from .pku_mmd import convert_pku_video, read_split_file
from .records import ConversionSummary, PathLike, Sample, SkippedSample

Progress = Callable[[Iterator, int], Iterable]


def pair_video_files(
    skeleton_dir: PathLike, label_dir: PathLike, summary: ConversionSummary
) -> List[Tuple[str, str]]:
    """(skeleton, label) file pairs matched by name, sorted by video name.

    Label files without a skeleton file are skipped, skeleton files without
    a label file ignored; both are counted in ``summary``.

    Raises:
        FileNotFoundError: a folder does not exist.
    """
    folders = {'skeleton': Path(skeleton_dir), 'label': Path(label_dir)}
    for kind, folder in folders.items():
        if not folder.is_dir():
            raise FileNotFoundError(f'{kind} folder {folder} does not exist')
    skeletons = {path.stem: path for path in folders['skeleton'].glob('*.txt')}
    labels = {path.stem: path for path in folders['label'].glob('*.txt')}
    pairs = []
    for video in sorted(labels):
        if video in skeletons:
            pairs.append((str(skeletons[video]), str(labels[video])))
        else:
            message = f'{labels[video]}: no skeleton file {video}.txt in {skeleton_dir}'
            summary.skipped.append(SkippedSample(video, 'missing skeleton file', message))
    summary.ignored['skeleton file without label file'] += len(set(skeletons) - set(labels))
    return pairs


def build_pku_splits(
    samples: List[Tuple[str, Sample]], train_videos: Dict[str, Set[str]]
) -> Dict[str, List[str]]:
    """``{benchmark}_train`` / ``{benchmark}_val`` clip lists.

    Args:
        samples: (video, clip) pairs.
        train_videos: Benchmark (``'xsub'``, ``'xview'``) -> training videos.
    """
    splits: Dict[str, List[str]] = {}
    for benchmark, train in train_videos.items():
        splits[f'{benchmark}_train'] = [s.name for video, s in samples if video in train]
        splits[f'{benchmark}_val'] = [s.name for video, s in samples if video not in train]
    return splits


def convert_pku(
    skeleton_dir: PathLike,
    label_dir: PathLike,
    xsub_split: PathLike,
    xview_split: PathLike,
    out_file: PathLike,
    num_workers: int,
    progress: Optional[Progress] = None,
) -> ConversionSummary:
    """Convert PKU-MMD phase I or II into a ``PoseDataset`` pickle.

    Args:
        skeleton_dir: Folder of ``<video>.txt`` skeleton files.
        label_dir: Folder of ``<video>.txt`` label files.
        xsub_split: ``cross-subject.txt`` (phase II ``cross_subject_v2.txt``).
        xview_split: ``cross-view.txt`` (phase II ``cross_view_v2.txt``).
        out_file: Output ``.pkl`` with splits ``xsub_train``, ``xsub_val``,
            ``xview_train``, ``xview_val``.
        num_workers: Worker processes (1 = in this process).
        progress: Wraps the result iterator, e.g. ``lambda it, n: tqdm(it, total=n)``.

    Raises:
        InputFormatError: a split file without its training list (nothing
            can be split without it).
    """
    summary = ConversionSummary()
    train_videos = {'xsub': read_split_file(xsub_split), 'xview': read_split_file(xview_split)}
    pairs = pair_video_files(skeleton_dir, label_dir, summary)
    results = ordered_map(convert_pku_video, pairs, num_workers, chunksize=1)
    if progress is not None:
        results = progress(results, len(pairs))
    samples: List[Tuple[str, Sample]] = []
    for result in results:
        samples += [(result.video, sample) for sample in result.samples]
        summary.skipped += result.skipped
        summary.notes += result.notes
    videos = {Path(label).stem for _, label in pairs}
    for benchmark, train in train_videos.items():
        unknown = sorted(train - videos)
        if unknown:
            summary.notes.append(
                f'{len(unknown)} {benchmark} training videos have no label file '
                f'(first: {unknown[:5]})'
            )
    splits = build_pku_splits(samples, train_videos)
    write_summary_output(out_file, [sample for _, sample in samples], splits, summary)
    return summary
