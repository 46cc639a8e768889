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
