"""Write the embedded synthetic skeletons to an mmaction2 ``PoseDataset`` pickle."""

from pathlib import Path
from typing import Union

from ..datasets.synthetic import build_pose_annotations
from .annotation_writer import write_pose_annotations
from .records import Sample


def dump_synthetic_pose_pickle(out: Union[str, Path], **kwargs) -> dict:
    """Write ``build_pose_annotations(**kwargs)`` to the pickle ``out`` and return it.

    The pickle holds exactly what ``SyntheticSkeletonDataset`` generates with the same
    arguments (splits 'train' and 'val').
    """
    data = build_pose_annotations(**kwargs)
    samples = [Sample(a['frame_dir'], a['label'], a['keypoint']) for a in data['annotations']]
    write_pose_annotations(out, samples, data['split'])
    return data
