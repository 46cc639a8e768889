"""Pieces shared by the ``tools/data`` command-line converters."""

import argparse
import sys
from typing import Callable, Iterable, Iterator, Optional

from tqdm import tqdm

from .parallel import default_num_workers
from .records import ConversionSummary, InputFormatError


def add_common_arguments(parser: argparse.ArgumentParser, parallel: bool = True) -> None:
    """``--skipped-list`` and, for parallel converters, ``--num-workers``."""
    if parallel:
        parser.add_argument(
            '--num-workers',
            type=int,
            default=default_num_workers(),
            help='worker processes, one input file per task (default: all cores, %(default)s)',
        )
    parser.add_argument(
        '--skipped-list',
        metavar='FILE',
        help='also write every skipped sample as "name<TAB>reason<TAB>message" lines',
    )


def progress_bar(description: str, unit: str = 'file'):
    """A ``progress`` callback for the ``convert_*`` functions (tqdm bar)."""

    def wrap(results: Iterator, total: int) -> Iterable:
        return tqdm(results, total=total, desc=description, unit=unit, dynamic_ncols=True)

    return wrap


def run_conversion(
    convert: Callable[[], ConversionSummary], out_file: str, skipped_list: Optional[str]
) -> int:
    """Run a conversion and report it.

    Returns:
        The exit status: 0 when the pickle was written, 1 when no sample was
        converted, 2 when an input needed by the whole conversion (a folder,
        a split file, an npz's arrays) is unusable.
    """
    try:
        summary = convert()
    except (InputFormatError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    print(summary.format())
    if skipped_list:
        summary.write_skipped_list(skipped_list)
        print(f'skipped samples listed in {skipped_list}')
    if summary.written:
        print(f'wrote {out_file}')
        return 0
    return 1


def add_label_arguments(parser: argparse.ArgumentParser) -> None:
    """Labels and splits of the custom-clip converters (numpy, mmpose)."""
    parser.add_argument(
        '--labels',
        metavar='FILE',
        help='"clip_name label" lines (0-based class); without it the clips are unlabelled '
        '(label -1), which only pre-training accepts',
    )
    parser.add_argument(
        '--splits',
        metavar='JSON',
        help='{"train": [clip names], "val": [...], ...}; default: a seeded random split into '
        '"train" and "val", stratified by label',
    )
    parser.add_argument(
        '--val-fraction',
        type=float,
        default=0.2,
        help='share of each class put in "val" by the random split (default: %(default)s)',
    )
    parser.add_argument('--seed', type=int, default=0, help='seed of the random split')


def label_options(args: argparse.Namespace) -> dict:
    """The converter keyword arguments of :func:`add_label_arguments`' options."""
    return dict(
        labels_file=args.labels,
        split_file=args.splits,
        val_fraction=args.val_fraction,
        seed=args.seed,
    )


def add_mmpose_arguments(parser: argparse.ArgumentParser) -> None:
    """``--img-shape`` and ``--max-persons`` of the tools reading mmpose JSON."""
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('HEIGHT', 'WIDTH'),
        help='video frame size in pixels (required for 2-D keypoints)',
    )
    parser.add_argument(
        '--max-persons',
        type=int,
        default=2,
        help='persons kept per frame of an mmpose file, its first instances (default: 2)',
    )
