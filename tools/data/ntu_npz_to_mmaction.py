"""CTR-GCN / MAMP-style NTU npz files -> mmaction2 PoseDataset pickle.

Each npz holds one benchmark (x_train, y_train, x_test, y_test), already in
the official MAMP preprocessing; the benchmark is read from the file name
(NTU60_XSub / NTU60_CS -> xsub, NTU60_XView / NTU60_CV -> xview,
NTU120_XSet / NTU120_CSet -> xset). Give both files of a release to get both
benchmarks' splits in one pickle::

    python tools/data/ntu_npz_to_mmaction.py data/ntu/NTU60_XSub.npz \\
        data/ntu/NTU60_XView.npz --out data/skeleton/ntu60_3d.pkl

The npz files carry no sample names: frame_dir is <benchmark>_<train|val>_<index>.
"""

import argparse
import functools
import sys
from typing import Optional, Sequence

from mmaction_mamp.preparation import convert_npz
from mmaction_mamp.preparation.cli import (
    add_common_arguments,
    progress_bar,
    run_conversion,
)
from mmaction_mamp.preparation.npz_import import infer_benchmark


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('npz_files', nargs='+', metavar='NPZ', help='benchmark npz files')
    parser.add_argument(
        '--out', required=True, help='output pickle, e.g. data/skeleton/ntu60_3d.pkl'
    )
    parser.add_argument(
        '--benchmark',
        choices=('xsub', 'xview', 'xset'),
        help='benchmark of a single npz whose name does not say it',
    )
    parser.add_argument(
        '--num-classes',
        type=int,
        help='class count for integer (not one-hot) labels when the name has no NTU60/NTU120',
    )
    add_common_arguments(parser, parallel=False)
    args = parser.parse_args(argv)
    if args.benchmark and len(args.npz_files) > 1:
        parser.error('--benchmark applies to a single npz file')
    try:
        benchmarks = [args.benchmark or infer_benchmark(path) for path in args.npz_files]
    except ValueError as error:
        parser.error(str(error))
    if len(set(benchmarks)) != len(benchmarks):
        parser.error(f'two files of the same benchmark: {benchmarks}')
    args.files = list(zip(args.npz_files, benchmarks))
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    convert = functools.partial(
        convert_npz,
        args.files,
        args.out,
        num_classes=args.num_classes,
        progress=progress_bar('npz samples', unit='sample'),
    )
    return run_conversion(convert, args.out, args.skipped_list)


if __name__ == '__main__':
    sys.exit(main())
