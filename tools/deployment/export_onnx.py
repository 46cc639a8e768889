"""Export a MAMP recognizer (linear probe or fine-tune) to ONNX and check it on onnxruntime.

    pip install -e ".[deploy]"          # onnx, onnxruntime, onnxscript
    python tools/deployment/export_onnx.py \\
    configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py \\
        best.pth --out mamp_ntu60.onnx

Input "keypoint": float32 (N, num_clips, M, T, V, C), the config's test-pipeline output
stacked over N samples (N free, the rest fixed by the config). Output "scores": float32
(N, K), the model's pred_score (softmax probabilities averaged over the clips). The tool
prints the contract and the largest difference from PyTorch on random input.
Details: docs/inference.md.
"""

import argparse
import sys
from typing import Optional, Sequence

import torch
from mmengine.config import DictAction

from mmaction_mamp.apis import init_recognizer_safely
from mmaction_mamp.apis.export import (
    INPUT_NAME,
    OPSET,
    OUTPUT_NAME,
    export_onnx,
    onnxruntime_max_abs_diff,
)
from mmaction_mamp.apis.inference import as_config

CHECK_SAMPLES = 3
TOLERANCE = 1e-4


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('config', help='linear-probe or fine-tune config')
    parser.add_argument('checkpoint', help='checkpoint of that config')
    parser.add_argument('--out', required=True, help='output .onnx')
    parser.add_argument('--device', default='cpu', help='device the export traces on')
    parser.add_argument('--no-check', action='store_true', help='skip the onnxruntime check')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config entries'
    )
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        cfg = as_config(args.config, args.cfg_options)
        model = init_recognizer_safely(cfg, args.checkpoint, args.device)
        shape = export_onnx(model, args.out)
    except (ValueError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    if model.cls_head.average_clips == 'prob':
        kind = 'probabilities (softmax, averaged over the clips)'
    else:
        kind = 'logits (averaged over the clips)'
    print(f'wrote {args.out} (ONNX opset {OPSET})')
    print(
        f'input  {INPUT_NAME!r}: float32 (N, {", ".join(map(str, shape))}) = '
        '(samples, clips, persons M, frames T, joints V, coordinates C); N free'
    )
    print(f'output {OUTPUT_NAME!r}: float32 (N, {model.cls_head.num_classes}) class {kind}')
    if args.no_check:
        return 0
    inputs = torch.randn((CHECK_SAMPLES, *shape), generator=torch.Generator().manual_seed(0))
    diff = onnxruntime_max_abs_diff(model, args.out, inputs)
    print(f'onnxruntime vs PyTorch on {CHECK_SAMPLES} random samples: max abs diff {diff:.2e}')
    return 0 if diff < TOLERANCE else 1


if __name__ == '__main__':
    sys.exit(main())
