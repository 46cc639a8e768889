"""Class scores of a skeleton sequence by mmaction2's init_recognizer / inference_recognizer.

Ours only: the checkpoint load (mmengine's ``load_checkpoint`` is not weights-only on
torch 2.5, and non-strict: a missing or other-sized head stays random with a warning) and
the pose input of a 3-D array (``inference_skeleton`` builds (x, y) arrays only).
"""

import copy
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmaction.apis import inference_recognizer, init_recognizer
from mmengine.config import Config
from torch import nn

from ..utils.checkpoint_files import load_checkpoint_weights_only, require_classifier, require_fit
from ..utils.errors import CheckpointError

ConfigLike = Union[str, Path, Config]


def as_config(config: ConfigLike, options: Optional[dict] = None) -> Config:
    """A copy of ``config`` (or the file loaded) with ``--cfg-options`` style ``options`` merged."""
    cfg = copy.deepcopy(config) if isinstance(config, Config) else Config.fromfile(str(config))
    if options:
        cfg.merge_from_dict(options)
    return cfg


def load_checkpoint_state(checkpoint: Union[str, Path]) -> Dict[str, torch.Tensor]:
    """The ``state_dict`` of an mmengine checkpoint (or a bare state dict), read weights-only;
    :class:`CheckpointError` when missing, damaged, unsafe or holding no state dict."""
    content = load_checkpoint_weights_only(str(checkpoint))
    state = content.get('state_dict', content) if isinstance(content, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f'{checkpoint} holds no state dict of tensors')
    return state


def load_weights(model: nn.Module, state: Dict[str, torch.Tensor], source: str) -> None:
    """``model.load_state_dict(state)`` after :func:`require_fit` (strict): every key
    required, every shape equal, else :class:`CheckpointError`."""
    require_fit(state, model.state_dict(), source, strict=True)
    model.load_state_dict(state)


def init_recognizer_safely(
    config: ConfigLike,
    checkpoint: Optional[Union[str, Path]] = None,
    device: Union[str, torch.device] = 'cpu',
) -> nn.Module:
    """mmaction2's ``init_recognizer`` of a linear-probe or fine-tune config, ``checkpoint``
    loaded weights-only and strict (None: random weights, ``init_cfg`` not applied), with
    ``test_dataloader.dataset.pipeline`` (what ``tools/test.py`` evaluates) as
    ``model.cfg.test_pipeline``.

    Raises:
        ValueError: a config without a classification head or a test pipeline.
        CheckpointError: a checkpoint without ``cls_head.*`` weights (pre-training), or
            one that is unsafe, damaged or does not fit (:func:`load_weights`).
    """
    cfg = as_config(config)
    if not cfg.get('model', {}).get('cls_head'):
        raise ValueError(
            f'{config}: model {cfg.model.get("type")} has no cls_head; predictions need a '
            'linear-probe or fine-tune config (features of any encoder: '
            'tools/analysis_tools/extract_features.py)'
        )
    pipeline = (cfg.get('test_dataloader') or {}).get('dataset', {}).get('pipeline')
    cfg.test_pipeline = pipeline or cfg.get('test_pipeline')
    if not cfg.test_pipeline:
        raise ValueError(f'{config} has no test pipeline (test_dataloader.dataset.pipeline)')
    model = init_recognizer(cfg, None, device)
    if checkpoint is not None:
        state = load_checkpoint_state(checkpoint)
        require_classifier(state, str(checkpoint))
        load_weights(model, state, str(checkpoint))
    return model


def predict_skeleton(
    model: nn.Module,
    keypoint: np.ndarray,
    keypoint_score: Optional[np.ndarray] = None,
    img_shape: Optional[Sequence[int]] = None,
    name: str = 'skeleton',
) -> np.ndarray:
    """(K,) float32 ``pred_score`` (softmax averaged over the test clips) of one sequence,
    through mmaction2's ``inference_recognizer`` and ``model.cfg.test_pipeline``.

    Args:
        model: from :func:`init_recognizer_safely` (or mmaction2's ``init_recognizer``).
        keypoint: (T, V, C) for one person or (M, T, V, C), any T. 3-D: x y z prepared like
            the training data (e.g. centred); 2-D: pixels.
        keypoint_score: (M, T, V) or (T, V) detector scores (2-D pipelines read them).
        img_shape: (height, width) of the video, needed by ``PreNormalize2D``.
        name: the input's name for error messages (``frame_dir``).

    Raises:
        ValueError: a shape the encoder does not take (named), or a missing ``img_shape``.
    """
    keypoint = np.array(keypoint, dtype=np.float32)  # a copy: the pipeline edits in place
    persons = keypoint[None] if keypoint.ndim == 3 else keypoint
    joints, coords, fits = 'V', 'C', persons.ndim == 4
    if fits and hasattr(model.backbone, 'joints_embed'):  # a MAMP encoder fixes V and C
        joints, coords = model.backbone.num_joints, model.backbone.in_channels
        extra = coords - persons.shape[3]  # 1: the pipeline appends the score as a channel
        fits = persons.shape[2] == joints and extra in (0, int(keypoint_score is not None))
    if not fits:
        raise ValueError(
            f'{name}: the model takes {joints} joints x {coords} coordinates, i.e. '
            f'(T, {joints}, {coords}) or (M, T, {joints}, {coords}); got {keypoint.shape}'
        )
    data = dict(frame_dir=name, label=-1, start_index=0, modality='Pose', keypoint=persons)
    data['total_frames'] = persons.shape[1]
    if keypoint_score is not None:
        data['keypoint_score'] = np.array(keypoint_score, np.float32).reshape(persons.shape[:3])
    if img_shape is not None:
        data['img_shape'] = data['original_shape'] = tuple(int(size) for size in img_shape)
    elif any(step.get('type') == 'PreNormalize2D' for step in model.cfg.test_pipeline):
        raise ValueError(
            f'{name}: the test pipeline normalises pixels by the frame size (PreNormalize2D); '
            'give img_shape=(height, width) (tools/infer.py: --img-shape HEIGHT WIDTH)'
        )
    result = inference_recognizer(model, data)
    return result.pred_score.detach().cpu().numpy().astype(np.float32)


def top_k(scores: np.ndarray, class_names: Sequence[str], k: int = 5) -> List[Tuple[str, float]]:
    """The ``k`` best (name, score) pairs, best first (ties: lower class index first)."""
    order = np.argsort(-np.asarray(scores), kind='stable')[:k]
    return [(class_names[index], float(scores[index])) for index in order]
