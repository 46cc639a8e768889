"""The COCO-17 keypoint layout of mmaction2's 2-D (HRNet) skeletons."""

COCO_KEYPOINTS = (
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
    'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
    'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
)  # fmt: skip
# The subject's left keypoints and their right partners, pairwise (the ``left_kp`` /
# ``right_kp`` lists mmaction2's ``Flip`` takes for COCO skeletons).
COCO_LEFT = (1, 3, 5, 7, 9, 11, 13, 15)
COCO_RIGHT = (2, 4, 6, 8, 10, 12, 14, 16)
# The hips, whose midpoint is the origin of centred 2-D skeletons (``CentreDetectedJoints``).
COCO_HIPS = (COCO_KEYPOINTS.index('left_hip'), COCO_KEYPOINTS.index('right_hip'))
