"""Embedded demo data: procedurally generated 3-D skeleton actions in the NTU layout.

Every sample is produced by forward kinematics on the NTU RGB+D 25-joint tree (Kinect v2).
Each class is one slow movement in a given direction (an arm rising or lowering sideways,
both arms, one up and one down, a squat down or up; :mod:`.actions`), made from a random
posture; the classes come in time-reversed twins that go through the same poses, so what
tells them apart is motion, not pose. Subject size, posture, range and timing of the
movement, facing direction, viewpoint, camera placement and a little sensor noise vary per
sample; an idle bystander joins some samples. Nothing is downloaded and the same seed
always gives bit-identical arrays.

Modules: :mod:`.skeleton` (joint tree, forward kinematics), :mod:`.actions` (the action
library), :mod:`.scene` (subjects, postures, placement, camera, sensor noise),
:mod:`.generator` (samples and splits), :mod:`.dataset` (``SyntheticSkeletonDataset``),
:mod:`.pose_2d` (the same actions as 2-D COCO-17 keypoints with scores,
``SyntheticPose2DDataset``).

Coordinates are metres in the Kinect camera frame: y up, z the depth (about 2-4 m) and x
horizontal; a subject facing the camera has its left side towards -x. As in the official
NTU preprocessing, joint 2 (middle of the spine, index 1) of the first person in the first
frame is then moved to the origin. The first person is always the actor.
"""

from .actions import CLASS_NAMES, MOVEMENTS
from .dataset import SyntheticSkeletonDataset
from .generator import build_pose_annotations, generate_split, generate_synthetic_skeletons
from .pose_2d import SyntheticPose2DDataset, generate_pose_2d

__all__ = [
    'CLASS_NAMES',
    'MOVEMENTS',
    'SyntheticPose2DDataset',
    'SyntheticSkeletonDataset',
    'build_pose_annotations',
    'generate_pose_2d',
    'generate_split',
    'generate_synthetic_skeletons',
]
