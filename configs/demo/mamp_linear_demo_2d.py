# Linear probe on the embedded synthetic actions as 2-D COCO-17 keypoints (10 classes),
# CPU-sized: the frozen encoder of configs/demo/mamp_pretrain_demo_2d.py with the recipe of
# configs/demo/mamp_linear_demo.py and the 2-D pipelines on 32-frame clips.
#   python tools/train.py configs/demo/mamp_linear_demo_2d.py
# (after the 2-D demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH, a random encoder:
#   --cfg-options model.backbone.init_cfg=None).
#   python tools/misc/demo_linear_probe.py --pose-2d   runs pre-training and both probes.
_base_ = ['./mamp_linear_demo.py', '../_base_/datasets/pose2d_pipelines.py']

model = dict(
    backbone=dict(
        **_base_.encoder_2d,
        init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_demo_2d/epoch_200.pth'),
    )
)
# No horizontal flip: it would turn a right-arm action into a left-arm one under the same
# label (the demo classes tell left from right); rotation and scale stay.
train_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.train_crop_2d, clip_len=_base_.clip_len, min_crop_len=32),
    dict(_base_.augment_2d, flip_ratio=0.0),
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.test_crop_2d, clip_len=_base_.clip_len),
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(dataset=dict(type='SyntheticPose2DDataset', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type='SyntheticPose2DDataset', pipeline=test_pipeline))
test_dataloader = val_dataloader
