"""Predictions and features of trained MAMP models, on mmaction2's own paths.

Ours only where mmaction2 has no answer (each module says why): the weights-only strict
load, 3-D input files, built-in label maps and encoder features (the ONNX export is
``tools/deployment/export_onnx.py``). ``import mmaction_mamp`` does not import this.
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
