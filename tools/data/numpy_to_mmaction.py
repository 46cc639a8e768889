"""Your own skeleton clips as plain numpy arrays -> mmaction2 PoseDataset pickle.

INPUT is either a folder of one-clip .npy files, (T, V, C) for one person or
(M, T, V, C), named <clip name>.npy, or one stacked .npy of N clips, (N, T, V, C) or
(N, M, T, V, C), zero-padded in time (clip i is named <file stem>_<i:06d>). Another axis
order is given with --layout, e.g. NCTVM for the (N, C, T, V, M) feeder layout::

    python tools/data/numpy_to_mmaction.py data/my_clips --labels data/my_labels.txt \\
        --out data/skeleton/my_skeletons.pkl
    python tools/data/numpy_to_mmaction.py data/train_x.npy --labels data/train_y.npy \\
        --layout NCTVM --out data/skeleton/my_skeletons.pkl

Splits "train" / "val" (seeded, stratified by label) unless --splits names them; the
pickle layout and the config that reads it: docs/custom_data.md.
"""

import argparse
import functools
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmaction_mamp.preparation import convert_npy_folder, convert_stacked_array
from mmaction_mamp.preparation.cli import (
    add_common_arguments,
    add_label_arguments,
    label_options,
    run_conversion,
)
from mmaction_mamp.preparation.custom_clips import parse_layout


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('input', help='folder of one-clip .npy files, or one stacked .npy')
    parser.add_argument('--out', required=True, help='output pickle')
    parser.add_argument(
        '--layout',
        help='axis letters of the arrays (N clips, M persons, T frames, V joints, C coordinates), '
        'e.g. CTVM or NCTVM; default: (M,) T V C by the number of axes, N first when stacked',
    )
    add_label_arguments(parser)
    add_common_arguments(parser, parallel=False)
    args = parser.parse_args(argv)
    if args.layout:
        try:
            args.layout = parse_layout(args.layout)
        except ValueError as error:
            parser.error(str(error))
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    convert = convert_npy_folder if Path(args.input).is_dir() else convert_stacked_array
    job = functools.partial(
        convert,
        args.input,
        args.out,
        layout=args.layout,
        **label_options(args),
    )
    return run_conversion(job, args.out, args.skipped_list)


if __name__ == '__main__':
    sys.exit(main())
