"""Embedded demo data: procedurally generated 3-D skeleton actions in the NTU layout.

Every sample is produced by forward kinematics on the NTU RGB+D 25-joint tree (Kinect v2).
Bone lengths are scaled per subject; each action class drives the joint angles with its own
periodic or event-like trajectory; speed, phase, amplitude, onset, handedness, posture style,
viewpoint, camera placement and sensor noise vary per sample. Nothing is downloaded and the
same seed always gives bit-identical arrays.

Modules: :mod:`.skeleton` (joint tree, forward kinematics), :mod:`.actions` (the action
library), :mod:`.scene` (subjects, placement, camera, sensor noise), :mod:`.generator`
(samples and splits), :mod:`.dataset` (``SyntheticSkeletonDataset``), :mod:`.pose_2d`
(the same actions as 2-D COCO-17 keypoints with scores, ``SyntheticPose2DDataset``).

Coordinates are metres in the Kinect camera frame: y up, z the depth (about 2-4 m) and x
horizontal; a subject facing the camera has its left side towards -x. As in the official
NTU preprocessing, joint 2 (middle of the spine, index 1) of the first person in the first
frame is then moved to the origin.

Classes 0-7 are one-person actions; a second, idle bystander joins some of their samples.
Classes 8 and 9 are two-person interactions. The first person is always the actor.
"""

from .actions import CLASS_NAMES, TWO_PERSON_CLASSES
from .dataset import SyntheticSkeletonDataset
from .generator import build_pose_annotations, generate_split, generate_synthetic_skeletons
from .pose_2d import SyntheticPose2DDataset, generate_pose_2d

__all__ = [
    'CLASS_NAMES',
    'TWO_PERSON_CLASSES',
    'SyntheticPose2DDataset',
    'SyntheticSkeletonDataset',
    'build_pose_annotations',
    'generate_pose_2d',
    'generate_split',
    'generate_synthetic_skeletons',
]
