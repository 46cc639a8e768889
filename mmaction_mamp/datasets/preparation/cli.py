"""Pieces shared by the ``tools/data`` command-line converters."""

from __future__ import annotations

import argparse
from typing import Iterable, Iterator

from tqdm import tqdm

from .parallel import default_num_workers
from .records import ConversionSummary


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


def progress_bar(description: str):
    """A ``progress`` callback for the ``convert_*`` functions (tqdm bar)."""

    def wrap(results: Iterator, total: int) -> Iterable:
        return tqdm(results, total=total, desc=description, unit='file', dynamic_ncols=True)

    return wrap


def report(summary: ConversionSummary, out_file: str, skipped_list: str | None) -> int:
    """Print the summary; return the exit status (1 when nothing was written)."""
    print(summary.format())
    if skipped_list:
        summary.write_skipped_list(skipped_list)
        print(f'skipped samples listed in {skipped_list}')
    if summary.written:
        print(f'wrote {out_file}')
        return 0
    return 1
