"""ONNX export of MAMP recognizers (linear probe, fine-tune) and its check on onnxruntime.

The exported graph is the recognizer's test-time forward for a batch of prepared clips:

* input ``keypoint``: float32 (N, num_clips, M, T, V, C), the output of the config's test
  pipeline stacked over N samples (what mmaction2's ``RecognizerGCN`` receives); N is
  free, every other size is fixed by the config (T: the encoder's clip length, its
  temporal embedding has exactly T / u positions);
* output ``scores``: float32 (N, K), the ``pred_score`` of mmaction2's predict: softmax
  class probabilities averaged over the clips (head ``average_clips='prob'``, the MAMP
  heads' default), or the clip-averaged logits for ``average_clips='score'``.

The test pipeline itself (centring, crop of the valid frames, resize to T, person
padding) stays in Python: run it (or an equivalent) before the ONNX model.

``torch.onnx`` (the ``torch.export``-based exporter, the default since torch 2.9) needs
the ``onnxscript`` package and the check needs ``onnxruntime``: ``pip install
-e ".[deploy]"``. Nothing here is imported by ``import mmaction_mamp``.
"""

import contextlib
import logging
import warnings
from pathlib import Path
from typing import Iterator, Tuple, Union

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from torch import nn

from .inference import encoder_input_size, test_pipeline_config

OPSET = 18  # the exporter's own opset: no version conversion (whose failures print tracebacks)
INPUT_NAME, OUTPUT_NAME = 'keypoint', 'scores'


class ClassScoreModel(nn.Module):
    """A recognizer's test forward on stacked clips: (N, num_clips, M, T, V, C) -> (N, K).

    Args:
        recognizer: an mmaction2 ``RecognizerGCN`` (``backbone`` + ``cls_head``).

    Raises:
        ValueError: a head whose ``average_clips`` is neither ``'prob'`` nor ``'score'``.
    """

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.backbone = recognizer.backbone
        self.cls_head = recognizer.cls_head
        self.average_clips = getattr(recognizer.cls_head, 'average_clips', 'prob')
        if self.average_clips not in ('prob', 'score'):
            raise ValueError(
                f"cls_head.average_clips={self.average_clips!r}: export supports 'prob' "
                "(probabilities) and 'score' (logits)"
            )

    def forward(self, keypoint: torch.Tensor) -> torch.Tensor:
        num_samples, num_clips = keypoint.shape[:2]
        scores = self.cls_head(self.backbone(keypoint.flatten(0, 1)))
        scores = scores.view(num_samples, num_clips, -1)
        if self.average_clips == 'prob':
            scores = scores.softmax(dim=-1)
        return scores.mean(dim=1)


def export_input_shape(recognizer: nn.Module) -> Tuple[int, int, int, int, int]:
    """(num_clips, M, T, V, C) of one sample, from the encoder and the test pipeline.

    M is ``FormatGCNInput.num_person``, num_clips a step's ``num_clips`` (1 without one).

    Raises:
        ValueError: a backbone other than the MAMP encoder.
    """
    size = encoder_input_size(recognizer)
    if size is None:
        raise ValueError('export needs a MAMP encoder (MAMPTransformer) as backbone')
    backbone = recognizer.backbone
    num_frames = backbone.num_temporal_patches * backbone.temporal_patch_size
    num_person, num_clips = 2, 1
    for step in test_pipeline_config(recognizer.cfg):
        if step.get('type') == 'FormatGCNInput':
            num_person = TRANSFORMS.build(step).num_person
        num_clips = step.get('num_clips', num_clips)
    return num_clips, num_person, num_frames, *size


@contextlib.contextmanager
def quiet_exporter() -> Iterator[None]:
    """Silence the exporter's notices (API deprecations, tracer and registry messages).

    Only while the export runs; they concern torch internals, not the exported graph,
    which :func:`onnxruntime_max_abs_diff` checks against PyTorch instead.
    """
    logger = logging.getLogger('torch.onnx')
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            for category in (FutureWarning, DeprecationWarning):
                warnings.simplefilter('ignore', category)
            yield
    finally:
        logger.setLevel(level)


def export_onnx(recognizer: nn.Module, path: Union[str, Path]) -> Tuple[int, ...]:
    """Write the recognizer's :class:`ClassScoreModel` as one self-contained ONNX file.

    Args:
        recognizer: from :func:`~.inference.init_recognizer_safely` (``cfg`` set).
        path: output ``.onnx``.

    Returns:
        The per-sample input shape (num_clips, M, T, V, C).
    """
    shape = export_input_shape(recognizer)
    device = next(recognizer.parameters()).device
    example = torch.zeros((2, *shape), device=device)
    model = ClassScoreModel(recognizer).eval()
    with quiet_exporter(), torch.no_grad():
        torch.onnx.export(
            model,
            (example,),
            str(path),
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            opset_version=OPSET,
            dynamo=True,
            external_data=False,
            dynamic_shapes=({0: torch.export.Dim('batch')},),
            verbose=False,
        )
    return shape


def onnxruntime_max_abs_diff(
    recognizer: nn.Module, path: Union[str, Path], inputs: torch.Tensor
) -> float:
    """Largest |onnxruntime - PyTorch| over the scores of ``inputs`` (N, num_clips, M, T, V, C)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    (onnx_scores,) = session.run([OUTPUT_NAME], {INPUT_NAME: inputs.cpu().numpy()})
    device = next(recognizer.parameters()).device
    with torch.no_grad():
        torch_scores = ClassScoreModel(recognizer).eval()(inputs.to(device)).cpu().numpy()
    return float(np.abs(onnx_scores - torch_scores).max())
