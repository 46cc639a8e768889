"""Export a MAMP recognizer (linear probe or fine-tune) to ONNX and check it on onnxruntime.

    pip install -e ".[deploy]"          # onnx, onnxruntime, onnxscript
    python tools/deployment/export_onnx.py \\
    configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py \\
        best.pth --out mamp_ntu60.onnx

Input "keypoint": float32 (N, num_clips, M, T, V, C), the config's test-pipeline output
stacked over N samples (N free, the rest fixed by the config). Output "scores": float32
(N, K), the model's pred_score (softmax probabilities averaged over the clips, or
clip-averaged logits for average_clips='score'). The test pipeline stays in Python.

mmaction2's tools/deployment/export_onnx_gcn.py does not serve MAMP models: its random
input has 3 channels (2-D models take 2), it marks T as dynamic (a MAMP encoder's temporal
embedding fixes T), its graph outputs logits, its opset 12 makes torch >= 2.9's exporter
print a failed down-conversion traceback, and it loads the checkpoint with mmengine's
load_checkpoint (not weights-only on torch 2.5). Details: docs/inference.md.
"""

import argparse
import logging
import sys
import warnings
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmengine.config import DictAction
from torch import nn

from mmaction_mamp.apis import init_recognizer_safely
from mmaction_mamp.apis.inference import as_config

OPSET = 18  # the exporter's own opset: no version conversion
CHECK_SAMPLES, TOLERANCE = 3, 1e-4


class ClassScoreModel(nn.Module):
    """A recognizer's test forward on stacked clips: (N, num_clips, M, T, V, C) -> (N, K)."""

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.backbone, self.cls_head = recognizer.backbone, recognizer.cls_head
        self.average_clips = getattr(recognizer.cls_head, 'average_clips', 'prob')
        if self.average_clips not in ('prob', 'score'):
            raise ValueError(
                f"cls_head.average_clips={self.average_clips!r}: export supports 'prob' "
                "(probabilities) and 'score' (logits)"
            )

    def forward(self, keypoint: torch.Tensor) -> torch.Tensor:
        scores = self.cls_head(self.backbone(keypoint.flatten(0, 1)))
        scores = scores.view(*keypoint.shape[:2], -1)
        return (scores.softmax(dim=-1) if self.average_clips == 'prob' else scores).mean(dim=1)


def input_shape(recognizer: nn.Module) -> Tuple[int, int, int, int, int]:
    """(num_clips, M, T, V, C) of one sample, from the encoder and ``cfg.test_pipeline``."""
    backbone = recognizer.backbone
    if not hasattr(backbone, 'joints_embed'):
        raise ValueError('export needs a MAMP encoder (MAMPTransformer) as backbone')
    num_person, num_clips = 2, 1
    for step in recognizer.cfg.test_pipeline:
        if step.get('type') == 'FormatGCNInput':
            num_person = TRANSFORMS.build(step).num_person
        num_clips = step.get('num_clips', num_clips)
    num_frames = backbone.num_temporal_patches * backbone.temporal_patch_size
    return num_clips, num_person, num_frames, backbone.num_joints, backbone.in_channels


def export_onnx(recognizer: nn.Module, path: str) -> Tuple[int, ...]:
    """Write :class:`ClassScoreModel` as one self-contained file; returns :func:`input_shape`.

    The exporter's notices (torch-internal deprecations, registry lines) are silenced
    while it runs: the onnxruntime check tells whether the graph is right.
    """
    shape = input_shape(recognizer)
    example = torch.zeros((2, *shape), device=next(recognizer.parameters()).device)
    logger = logging.getLogger('torch.onnx')
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter('ignore', FutureWarning)
            warnings.simplefilter('ignore', DeprecationWarning)
            torch.onnx.export(
                ClassScoreModel(recognizer).eval(),
                (example,),
                path,
                input_names=['keypoint'],
                output_names=['scores'],
                opset_version=OPSET,
                dynamo=True,
                external_data=False,
                dynamic_shapes=({0: torch.export.Dim('batch')},),
            )
    finally:
        logger.setLevel(level)
    return shape


def onnxruntime_max_abs_diff(recognizer: nn.Module, path: str, inputs: torch.Tensor) -> float:
    """Largest |onnxruntime - PyTorch| over the scores of ``inputs`` (N, num_clips, M, T, V, C)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=['CPUExecutionProvider'])
    (onnx_scores,) = session.run(['scores'], {'keypoint': inputs.cpu().numpy()})
    device = next(recognizer.parameters()).device
    with torch.no_grad():
        torch_scores = ClassScoreModel(recognizer).eval()(inputs.to(device)).cpu().numpy()
    return float(np.abs(onnx_scores - torch_scores).max())


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
        f"input  'keypoint': float32 (N, {', '.join(map(str, shape))}) = "
        '(samples, clips, persons M, frames T, joints V, coordinates C); N free'
    )
    print(f"output 'scores': float32 (N, {model.cls_head.num_classes}) class {kind}")
    if args.no_check:
        return 0
    inputs = torch.randn((CHECK_SAMPLES, *shape), generator=torch.Generator().manual_seed(0))
    diff = onnxruntime_max_abs_diff(model, args.out, inputs)
    print(f'onnxruntime vs PyTorch on {CHECK_SAMPLES} random samples: max abs diff {diff:.2e}')
    return 0 if diff < TOLERANCE else 1


if __name__ == '__main__':
    sys.exit(main())
