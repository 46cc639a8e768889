"""Inference helpers for trained MAMP models (2-D and 3-D skeletons).

* :func:`init_recognizer_safely`, :func:`predict_skeleton`, :func:`top_k` - class scores of
  a skeleton sequence through the config's test pipeline (:mod:`.inference`);
* :func:`read_skeleton_input` - ``.npy``, NTU ``.skeleton`` or mmpose JSON files
  (:mod:`.skeleton_inputs`);
* :func:`resolve_label_map` - class names: NTU-60 / NTU-120 / PKU-MMD or a file
  (:mod:`.label_maps`);
* :func:`init_encoder_safely`, :func:`feature_dataloader`, :func:`extract_features` -
  pooled encoder features of a dataset split (:mod:`.features`).

ONNX export lives in :mod:`.export` (imported on demand: it needs the ``deploy`` extra).
``import mmaction_mamp`` does not import this subpackage.
"""

from .features import FeatureSet, extract_features, feature_dataloader, init_encoder_safely
from .inference import init_recognizer_safely, predict_skeleton, top_k
from .label_maps import resolve_label_map
from .skeleton_inputs import SkeletonInput, read_skeleton_input

__all__ = [
    'FeatureSet',
    'SkeletonInput',
    'extract_features',
    'feature_dataloader',
    'init_encoder_safely',
    'init_recognizer_safely',
    'predict_skeleton',
    'read_skeleton_input',
    'resolve_label_map',
    'top_k',
]
