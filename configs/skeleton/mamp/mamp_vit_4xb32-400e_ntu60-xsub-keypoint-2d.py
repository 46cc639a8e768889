# MAMP pre-training on mmaction2's 2-D NTU-60 skeletons (HRNet COCO-17 keypoints with
# scores, data/skeleton/ntu60_2d.pkl, docs/pose_2d.md), cross-subject: the 3-D recipe
# (mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py: encoder 256 x 8, decoder depth 3, mask
# ratio 0.9, tau 0.80, 120-frame clips, 4-frame tokens, 400 epochs, global batch 128, lr 1e-3)
# on 17 joints x (x, y): 30 x 17 = 510 tokens per person, 50 visible
# (int(510 * 0.1) = int(50.99...)); the decoder predicts 4 x 2 = 8 motion values per token
# (its geometry follows the encoder).
_base_ = './mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'

model = dict(backbone=dict(in_channels=2, num_joints=17))

# The 2-D counterparts of the MAMP feeder (docs/pose_2d.md): pixels normalised about the
# image centre (PreNormalize2D, each annotation's img_shape); keypoints the detector missed
# (score 0) put back at 0 as absent joints; centred on person 0's hip midpoint in the first
# frame where both hips are detected (COCO-17 has no spine joint); the official crop rule
# applied to the span of frames with a detection, resized to 120 frames; train: random
# horizontal flip with the COCO left/right swap, rotation |angle| <= 0.3 and scale
# U(0.9, 1.1) in the image plane instead of the 3-D rotation; input channels (x, y).
# With the score as a third input channel use ZeroUndetectedJoints(keep_score=True)
# (mmaction2's FormatGCNInput appends it), in_channels=3 and
# MotionAwareMasking(motion_channels=2).
ann_file = 'data/skeleton/ntu60_2d.pkl'
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='ZeroUndetectedJoints', score_thr=0.0),
    dict(type='CentreDetectedJoints'),
    dict(type='DetectedCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomFlipRotateScale2D', flip_ratio=0.5, max_angle=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
test_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='ZeroUndetectedJoints', score_thr=0.0),
    dict(type='CentreDetectedJoints'),
    dict(type='DetectedCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=train_pipeline))
