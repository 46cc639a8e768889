"""Raw skeleton datasets -> mmaction2 ``PoseDataset`` annotation pickles.

Library side of ``tools/data/*_to_mmaction.py``:

* :func:`convert_ntu` - NTU RGB+D 60 / 120 ``.skeleton`` files, with the
  official MAMP processing (:mod:`.ntu_skeleton`) and splits
  (:mod:`.ntu_splits`);
* :func:`convert_npz` - CTR-GCN / MAMP-style ``NTU60_XSub.npz`` files;
* :func:`convert_pku` - PKU-MMD phase I / II skeleton and label files;
* :func:`convert_npy_folder`, :func:`convert_stacked_array` - your own clips as plain
  numpy arrays (:mod:`.numpy_arrays`);
* :func:`convert_mmpose_folder` - mmpose's 2-D / 3-D keypoint JSON (:mod:`.mmpose_json`);
* :func:`dump_synthetic_pose_pickle` - the embedded synthetic demo data.

``import mmaction_mamp`` never imports this subpackage (nor tqdm): it serves the
command-line tools only. Bad inputs never abort a conversion: they become :class:`SkippedSample`
records in the returned :class:`ConversionSummary`.
"""

from .annotation_writer import write_pose_annotations
from .mmpose_json import convert_mmpose_folder
from .npz_import import convert_npz
from .ntu_converter import convert_ntu
from .numpy_arrays import convert_npy_folder, convert_stacked_array
from .pku_converter import convert_pku
from .records import ConversionSummary, InputFormatError, Sample, SkippedSample
from .synthetic import dump_synthetic_pose_pickle

__all__ = [
    'ConversionSummary',
    'InputFormatError',
    'Sample',
    'SkippedSample',
    'convert_mmpose_folder',
    'convert_npy_folder',
    'convert_npz',
    'convert_ntu',
    'convert_pku',
    'convert_stacked_array',
    'dump_synthetic_pose_pickle',
    'write_pose_annotations',
]
