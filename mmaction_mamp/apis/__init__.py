"""Predictions, features and ONNX export of trained MAMP models, on mmaction2's own paths.

:func:`init_recognizer_safely` / :func:`predict_skeleton` wrap mmaction2's
``init_recognizer`` / ``inference_recognizer``; ours are only the weights-only strict
load, 3-D input files (:func:`read_skeleton_input`), built-in label maps
(:func:`resolve_label_map`), encoder features (:func:`extract_features`) and the ONNX
export (:mod:`.export`, imported on demand: it needs the ``deploy`` extra). Each module
says why mmaction2's own does not serve. ``import mmaction_mamp`` does not import this.
"""

from .features import FeatureSet, extract_features, init_encoder_safely
from .inference import init_recognizer_safely, load_weights, predict_skeleton, top_k
from .label_maps import resolve_label_map
from .skeleton_inputs import SkeletonInput, read_skeleton_input

__all__ = [
    'FeatureSet',
    'SkeletonInput',
    'extract_features',
    'init_encoder_safely',
    'init_recognizer_safely',
    'load_weights',
    'predict_skeleton',
    'read_skeleton_input',
    'resolve_label_map',
    'top_k',
]
