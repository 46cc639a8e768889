"""PKU-MMD phase I / II skeleton + label files -> mmaction2 PoseDataset pickle.

One sample per labelled action clip (frames [start, end) of its video,
truncated to 300 frames, all-zero clips skipped), splits xsub_train/xsub_val
and xview_train/xview_val from the official split files::

    python tools/data/pku_mmd_to_mmaction.py \\
        --skeleton-dir data/pku_mmd/PKU_Skeleton_Renew \\
        --label-dir data/pku_mmd/Train_Label_PKU_final \\
        --xsub-split data/pku_mmd/cross-subject.txt \\
        --xview-split data/pku_mmd/cross-view.txt --out data/skeleton/pku1_3d.pkl
"""

import argparse
import functools
import sys
from typing import Optional, Sequence

from mmaction_mamp.preparation import convert_pku
from mmaction_mamp.preparation.cli import (
    add_common_arguments,
    progress_bar,
    run_conversion,
)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('--skeleton-dir', required=True, help='folder of <video>.txt skeletons')
    parser.add_argument('--label-dir', required=True, help='folder of <video>.txt label files')
    parser.add_argument(
        '--xsub-split',
        required=True,
        help='cross-subject.txt (phase II: cross_subject_v2.txt)',
    )
    parser.add_argument(
        '--xview-split', required=True, help='cross-view.txt (phase II: cross_view_v2.txt)'
    )
    parser.add_argument(
        '--out', required=True, help='output pickle: data/skeleton/pku1_3d.pkl or pku2_3d.pkl'
    )
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    convert = functools.partial(
        convert_pku,
        args.skeleton_dir,
        args.label_dir,
        args.xsub_split,
        args.xview_split,
        args.out,
        num_workers=args.num_workers,
        progress=progress_bar('PKU-MMD videos'),
    )
    return run_conversion(convert, args.out, args.skipped_list)


if __name__ == '__main__':
    sys.exit(main())
