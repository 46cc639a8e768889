"""mmpose keypoint JSON (2-D or 3-D, one file per video) -> mmaction2 PoseDataset pickle.

Reads the JSON that mmpose writes for a video (MMPoseInferencer's pred_out_dir, or the
top-down demo's --save-predictions), one file per clip, named <clip name>.json. 2-D
keypoints are pixels: give the video frame size with --img-shape (stored as img_shape,
with the scores as keypoint_score, as in mmaction2's 2-D pickles); 3-D keypoints are
stored as x y z::

    python tools/data/mmpose_to_mmaction.py data/my_pose_json --labels data/my_labels.txt \\
        --img-shape 1080 1920 --out data/skeleton/my_2d.pkl

mmpose does not track people: person slot m of a frame is its m-th instance; at most
--max-persons are kept (the rest are counted in the report). Details: docs/custom_data.md.
"""

import argparse
import functools
import sys
from typing import Optional, Sequence

from mmaction_mamp.preparation import convert_mmpose_folder
from mmaction_mamp.preparation.cli import (
    add_common_arguments,
    add_label_arguments,
    add_mmpose_arguments,
    label_options,
    run_conversion,
)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('json_dir', help='folder of <clip name>.json mmpose prediction files')
    parser.add_argument('--out', required=True, help='output pickle')
    add_mmpose_arguments(parser)
    add_label_arguments(parser)
    add_common_arguments(parser, parallel=False)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    job = functools.partial(
        convert_mmpose_folder,
        args.json_dir,
        args.out,
        max_persons=args.max_persons,
        img_shape=tuple(args.img_shape) if args.img_shape else None,
        **label_options(args),
    )
    return run_conversion(job, args.out, args.skipped_list)


if __name__ == '__main__':
    sys.exit(main())
