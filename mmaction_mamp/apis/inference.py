"""Class scores of a skeleton sequence from a trained recognizer (2-D or 3-D).

:func:`init_recognizer_safely` builds the config's model and loads a checkpoint with
``torch.load(weights_only=True)`` (no code from the file runs) and strict key matching;
:func:`predict_skeleton` turns a (T, V, C) or (M, T, V, C) array into the input dict of
the config's test pipeline and runs mmaction2's ``inference_recognizer``, i.e. exactly
the test-time path of ``tools/test.py`` for one clip.
"""

import copy
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmaction.apis import inference_recognizer
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from torch import nn

from ..engine.checkpoints import load_checkpoint_weights_only

ConfigLike = Union[str, Path, Config]


def as_config(config: ConfigLike, options: Optional[dict] = None) -> Config:
    """A copy of ``config``, or the file loaded (quietly, as the tools load it).

    Args:
        config: a config or its file.
        options: ``--cfg-options`` style overrides merged into it.
    """
    cfg = copy.deepcopy(config) if isinstance(config, Config) else Config.fromfile(str(config))
    if options:
        cfg.merge_from_dict(options)
    return cfg


def load_checkpoint_state(checkpoint: Union[str, Path]) -> Dict[str, torch.Tensor]:
    """The ``state_dict`` of an mmengine checkpoint (or a bare state dict), safely.

    Raises:
        CheckpointError: the file is missing, damaged or would run code.
        ValueError: the file holds no state dict.
    """
    content = load_checkpoint_weights_only(str(checkpoint))
    state = content.get('state_dict', content) if isinstance(content, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f'{checkpoint} holds no state dict of tensors')
    return state


def load_weights(model: nn.Module, state: Dict[str, torch.Tensor], source: str) -> None:
    """``model.load_state_dict(state)`` with every key required.

    Raises:
        ValueError: naming the checkpoint and the first missing / unexpected keys.
    """
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(
            f'{source} does not fit the model built from the config: '
            f'{len(missing)} missing key(s) {missing[:3]}, '
            f'{len(unexpected)} unexpected key(s) {unexpected[:3]}'
        )


def init_recognizer_safely(
    config: ConfigLike,
    checkpoint: Optional[Union[str, Path]] = None,
    device: Union[str, torch.device] = 'cpu',
) -> nn.Module:
    """Build the config's recognizer and load a classification checkpoint, in eval mode.

    mmaction2's ``init_recognizer`` with a safe and strict load: the checkpoint is read
    with ``torch.load(weights_only=True)`` and must provide every weight of the model.
    The config's ``init_cfg`` (e.g. a pre-training checkpoint) is not applied.

    Args:
        config: a recognizer config (``model.cls_head``): linear probe or fine-tune.
        checkpoint: a checkpoint of that recognizer; None keeps the random initialisation.
        device: where the model runs.

    Returns:
        The model, with ``model.cfg`` set (read by mmaction2's inference functions).

    Raises:
        ValueError: a config without a classification head, or a checkpoint without one
            (a pre-training checkpoint), or one whose weights do not fit.
    """
    cfg = as_config(config)
    if not cfg.get('model', {}).get('cls_head'):
        raise ValueError(
            f'{config}: model {cfg.model.get("type")} has no cls_head; predictions need a '
            'linear-probe or fine-tune config (features of any encoder: '
            'tools/analysis_tools/extract_features.py)'
        )
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        state = load_checkpoint_state(checkpoint)
        if not any(key.startswith('cls_head.') for key in state):
            raise ValueError(
                f'{checkpoint} holds no classification head (cls_head.*), e.g. a pre-training '
                'checkpoint: its predictions would come from a random head. Train a linear '
                'probe or fine-tune on top of it first (docs/model_zoo.md)'
            )
        load_weights(model, state, str(checkpoint))
    model.cfg = cfg
    return model.to(device).eval()


def test_pipeline_config(cfg: Config) -> List[dict]:
    """The pipeline ``tools/test.py`` applies: ``test_dataloader.dataset.pipeline``, else
    the top-level ``test_pipeline``.

    Raises:
        ValueError: the config has neither.
    """
    dataset = (cfg.get('test_dataloader') or {}).get('dataset') or {}
    pipeline = dataset.get('pipeline') or cfg.get('test_pipeline')
    if not pipeline:
        raise ValueError(
            'the config has no test pipeline (test_dataloader.dataset.pipeline or '
            'test_pipeline); use its linear-probe or fine-tune config'
        )
    return list(pipeline)


def encoder_input_size(model: nn.Module) -> Optional[Tuple[int, int]]:
    """(joints V, input channels C) of a MAMP encoder, or None for another backbone."""
    backbone = getattr(model, 'backbone', model)
    if not hasattr(backbone, 'joints_embed'):
        return None
    return backbone.num_joints, backbone.in_channels


def as_persons(
    keypoint: np.ndarray, model: nn.Module, name: str, with_score: bool = False
) -> np.ndarray:
    """(T, V, C) or (M, T, V, C) -> (M, T, V, C) float32 copy, checked against the model.

    Args:
        keypoint: the skeleton sequence.
        model: the recognizer (or encoder) it is for.
        name: the input's name (file), for messages.
        with_score: a keypoint score comes with it: C may then be one less than the
            encoder's channels (a pipeline keeping the score appends it as a channel).

    Raises:
        ValueError: naming the input, the expected and the given shape.
    """
    given = np.shape(keypoint)
    keypoint = np.array(keypoint, dtype=np.float32)  # a copy: pipelines edit in place
    if keypoint.ndim == 3:
        keypoint = keypoint[None]
    if keypoint.ndim != 4:
        raise ValueError(
            f'{name}: expected a skeleton of shape (T, V, C) or (M, T, V, C), got {given}'
        )
    size = encoder_input_size(model)
    if size is not None:
        joints, coords = size
        channel_fits = keypoint.shape[3] == coords or (
            with_score and keypoint.shape[3] == coords - 1
        )
        if keypoint.shape[2] != joints or not channel_fits:
            raise ValueError(
                f'{name}: the model takes {joints} joints x {coords} coordinates, i.e. '
                f'(T, {joints}, {coords}) or (M, T, {joints}, {coords}); got {given}'
            )
    return keypoint


def as_person_scores(score: np.ndarray, keypoint: np.ndarray, name: str) -> np.ndarray:
    """(T, V) or (M, T, V) scores -> (M, T, V) float32 matching ``keypoint`` (M, T, V, C).

    Raises:
        ValueError: naming the input and both shapes.
    """
    score = np.array(score, dtype=np.float32)
    if score.ndim == 2:
        score = score[None]
    if score.shape != keypoint.shape[:3]:
        raise ValueError(
            f'{name}: keypoint_score has shape {score.shape}, expected (M, T, V) = '
            f'{keypoint.shape[:3]}'
        )
    return score


def pose_input(
    keypoint: np.ndarray,
    keypoint_score: Optional[np.ndarray] = None,
    img_shape: Optional[Sequence[int]] = None,
    name: str = 'skeleton',
) -> dict:
    """The input dict of a skeleton test pipeline (what ``PoseDataset`` yields).

    Args:
        keypoint: (M, T, V, C) float32.
        keypoint_score: (M, T, V) detector scores (2-D), or None.
        img_shape: (height, width) of the frames the 2-D pixels refer to, or None.
        name: ``frame_dir`` (named by the transforms' error messages).
    """
    data = dict(
        frame_dir=name,
        label=-1,
        start_index=0,
        modality='Pose',
        total_frames=keypoint.shape[1],
        keypoint=keypoint,
    )
    if keypoint_score is not None:
        data['keypoint_score'] = keypoint_score
    if img_shape is not None:
        data['img_shape'] = data['original_shape'] = tuple(int(size) for size in img_shape)
    return data


def predict_skeleton(
    model: nn.Module,
    keypoint: np.ndarray,
    keypoint_score: Optional[np.ndarray] = None,
    img_shape: Optional[Sequence[int]] = None,
    name: str = 'skeleton',
) -> np.ndarray:
    """Class scores of one skeleton sequence.

    Args:
        model: a recognizer from :func:`init_recognizer_safely` (or mmaction2's
            ``init_recognizer``): its ``cfg`` gives the test pipeline.
        keypoint: (T, V, C) for one person or (M, T, V, C); any T (the pipeline crops
            and resizes it). 3-D: x y z as the training data were prepared (e.g. centred);
            2-D: pixels.
        keypoint_score: (M, T, V) or (T, V) detector scores, for 2-D pipelines that read
            them (``ZeroUndetectedJoints``); leave None for 3-D.
        img_shape: (height, width) of the video, required when the pipeline normalises
            pixels (``PreNormalize2D``).
        name: the input's name for error messages (e.g. its file).

    Returns:
        (K,) float32 class scores, the ``pred_score`` of mmaction2's predict: softmax
        probabilities averaged over the test clips for the MAMP heads.

    Raises:
        ValueError: a shape the model does not take, or a missing ``img_shape``, naming
            ``name`` and the expected shape.
    """
    pipeline_cfg = test_pipeline_config(model.cfg)
    persons = as_persons(keypoint, model, name, keypoint_score is not None)
    if keypoint_score is not None:
        keypoint_score = as_person_scores(keypoint_score, persons, name)
    if img_shape is None and any(step.get('type') == 'PreNormalize2D' for step in pipeline_cfg):
        raise ValueError(
            f'{name}: the test pipeline normalises pixels by the frame size (PreNormalize2D); '
            'give img_shape=(height, width) (tools/infer.py: --img-shape HEIGHT WIDTH)'
        )
    init_default_scope(model.cfg.get('default_scope', 'mmaction'))
    data = pose_input(persons, keypoint_score, img_shape, name)
    result = inference_recognizer(model, data, Compose(pipeline_cfg))
    return result.pred_score.detach().cpu().numpy().astype(np.float32)


def top_k(scores: np.ndarray, class_names: Sequence[str], k: int = 5) -> List[Tuple[str, float]]:
    """The ``k`` best (name, score) pairs, best first (ties: lower class index first)."""
    order = np.argsort(-np.asarray(scores), kind='stable')[:k]
    return [(class_names[index], float(scores[index])) for index in order]
