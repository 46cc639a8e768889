"""Top-k class predictions of a trained MAMP recognizer for one skeleton sequence.

INPUT is a .npy of shape (T, V, C) or (M, T, V, C), an NTU RGB+D .skeleton file
(processed like the NTU training data) or an mmpose JSON file of one video (2-D: give
--img-shape). Prints "<class name><TAB><score>" lines, best first::

    python tools/infer.py \\
    configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py \\
        best.pth S001C001P001R001A001.skeleton --label-map ntu60 --top-k 5

Scores are the model's pred_score (softmax probabilities averaged over the test clips).
Python API and details: docs/inference.md.
"""

import argparse
import sys
from typing import Optional, Sequence

from mmengine.config import DictAction

from mmaction_mamp.apis import (
    init_recognizer_safely,
    predict_skeleton,
    read_skeleton_input,
    resolve_label_map,
    top_k,
)
from mmaction_mamp.apis.inference import as_config
from mmaction_mamp.apis.label_maps import BUILTIN_LABEL_MAPS
from mmaction_mamp.preparation.cli import add_mmpose_arguments


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('config', help='linear-probe or fine-tune config')
    parser.add_argument('checkpoint', help='checkpoint of that config')
    parser.add_argument('input', help='.npy, NTU .skeleton or mmpose .json')
    parser.add_argument(
        '--label-map',
        help=f'class names: {", ".join(BUILTIN_LABEL_MAPS)} or a file of one name per line '
        '(default: class indices)',
    )
    parser.add_argument('--top-k', type=int, default=5, help='classes printed (default: 5)')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1, ... (default: cpu)')
    add_mmpose_arguments(parser)
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config entries'
    )
    args = parser.parse_args(argv)
    if args.top_k < 1:
        parser.error('--top-k must be at least 1')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        cfg = as_config(args.config, args.cfg_options)
        sequence = read_skeleton_input(args.input, args.max_persons)
        model = init_recognizer_safely(cfg, args.checkpoint, args.device)
        names = resolve_label_map(args.label_map, model.cls_head.num_classes)
        scores = predict_skeleton(
            model, sequence.keypoint, sequence.keypoint_score, args.img_shape, name=args.input
        )
    except (ValueError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    for name, score in top_k(scores, names, args.top_k):
        print(f'{name}\t{score:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
