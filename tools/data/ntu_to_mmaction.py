"""NTU RGB+D 60 / 120 raw ``.skeleton`` files -> mmaction2 PoseDataset pickle.

Applies the official MAMP preprocessing (body tracks, length and spread
denoising, two-actor assembly, translation to actor 1's first spine-middle
joint; docs/data_preparation.md) and writes the standard splits
(NTU-60: xsub, xview; NTU-120: xsub, xset)::

    python tools/data/ntu_to_mmaction.py ntu60 data/nturgbd_raw/nturgb+d_skeletons \\
        --out data/skeleton/ntu60_3d.pkl
    python tools/data/ntu_to_mmaction.py ntu120 data/nturgbd_raw/nturgb+d_skeletons \\
        data/nturgbd_raw/nturgb+d_skeletons120 --out data/skeleton/ntu120_3d.pkl
"""

import argparse
import functools
import sys
from typing import Optional, Sequence

from mmaction_mamp.preparation import convert_ntu
from mmaction_mamp.preparation.cli import (
    add_common_arguments,
    progress_bar,
    run_conversion,
)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('dataset', choices=('ntu60', 'ntu120'), help='NTU release')
    parser.add_argument(
        'skeleton_dirs',
        nargs='+',
        metavar='SKELETON_DIR',
        help='folders of SsssCcccPpppRrrrAaaa.skeleton files (NTU-120: both archives)',
    )
    parser.add_argument(
        '--out', help='output pickle (default: data/skeleton/<dataset>_3d.pkl, read by the configs)'
    )
    parser.add_argument(
        '--missing-list',
        metavar='FILE',
        help='official NTU_RGBD(120)_samples_with_missing_skeletons.txt: cross-checked '
        'against the samples found without any body; listed samples are left out',
    )
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    args.out = args.out or f'data/skeleton/{args.dataset}_3d.pkl'
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    convert = functools.partial(
        convert_ntu,
        args.skeleton_dirs,
        args.dataset,
        args.out,
        num_workers=args.num_workers,
        missing_list=args.missing_list,
        progress=progress_bar(f'{args.dataset} .skeleton'),
    )
    return run_conversion(convert, args.out, args.skipped_list)


if __name__ == '__main__':
    sys.exit(main())
