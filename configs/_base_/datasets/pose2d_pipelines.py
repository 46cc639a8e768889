# The 2-D pose steps of the demo configs (configs/demo/*_2d.py set the clip length on the
# crops; the zoo's 2-D recipes in configs/skeleton/mamp/ state theirs in their own file).
# They read mmaction2's HRNet COCO-17 skeletons (keypoint (M, T, 17, 2) pixels +
# keypoint_score (M, T, 17), img_shape), the 2-D counterparts of the MAMP feeder:
# - pixels normalised about the image centre by mmaction2's PreNormalize2D (img_shape of
#   each annotation), keypoints the detector missed (score 0) put back at 0 as absent joints,
# - centred as the official 3-D data are: the origin is person 0's hip midpoint in the first
#   frame where both hips are detected (COCO-17 has no spine joint); missed joints stay 0,
# - the official crop rule (train: ratio U(0.5, 1), >= 64 frames; test: centre 0.95) applied
#   to the span of frames with a detection, resized to 120 frames,
# - train: random horizontal flip with the COCO left/right swap, rotation |angle| <= 0.3 and
#   scale U(0.9, 1.1) in the image plane instead of the 3-D rotation,
# - input channels (x, y); motion-aware masking over (x, y) for pre-training.
# With the score as a third input channel use ZeroUndetectedJoints(keep_score=True)
# (mmaction2's FormatGCNInput appends it), in_channels=3 and
# MotionAwareMasking(motion_channels=2).
normalize_2d = [
    dict(type='PreNormalize2D'),
    dict(type='ZeroUndetectedJoints', score_thr=0.0),
    dict(type='CentreDetectedJoints'),
]
augment_2d = dict(type='RandomFlipRotateScale2D', flip_ratio=0.5, max_angle=0.3)
train_crop_2d = dict(
    type='DetectedCropResize',
    clip_len=120,
    p_interval=(0.5, 1.0),
    min_crop_len=64,
)
test_crop_2d = dict(type='DetectedCropResize', clip_len=120, p_interval=(0.95,))
