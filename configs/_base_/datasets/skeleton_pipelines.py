# The official MAMP feeder as mmaction2 pipelines, on PoseDataset annotations
# (keypoint (M, T, 25, 3), docs/data_preparation.md):
# - train: random crop of the valid frames, ratio U(0.5, 1), at least 64 frames, resized to
#   120 frames; random 3-axis rotation (|angle| <= 0.3); two person slots;
# - test: single clip, centre crop 0.95 of the valid frames resized to 120, no rotation (the
#   paper's protocol; also the view the k-NN monitor, features and inference use);
# - pre-training: the train view with motion-aware masking (ratio 0.9, tau 0.80; the
#   NTU-120 configs set 0.75), the mask packed for the model.
train_pipeline = [
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
pretrain_pipeline = [
    *train_pipeline[:-1],
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
