# Linear probe on the embedded synthetic actions as 2-D COCO-17 keypoints (10 classes),
# CPU-sized: the probe of configs/demo/mamp_linear_demo.py (inherited: head, SGD lr 0.1,
# cosine) on the frozen encoder of configs/demo/mamp_pretrain_demo_2d.py and the 2-D
# pipelines on 32-frame clips, trained on all 320 training clips for 20 epochs: the 3-D
# probe's earlier recipe, whose margin over a random encoder is mostly that encoder's probe
# not having converged (docs/demo.md, "The linear probe").
#   python tools/train.py configs/demo/mamp_linear_demo_2d.py
# (after the 2-D demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH, a random encoder:
#   --cfg-options model.backbone.init_cfg=None).
#   python tools/misc/demo_linear_probe.py --pose-2d   probes both encoders.
_base_ = ['./mamp_linear_demo.py', '../_base_/datasets/pose2d_pipelines.py']

# the encoder reads 17 joints x (x, y)
model = dict(
    backbone=dict(
        in_channels=2,
        num_joints=17,
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
val_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.test_crop_2d, clip_len=_base_.clip_len),
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline
# all 320 training clips, global batch 32
train_dataloader = dict(
    batch_sampler=dict(global_batch_size=32),
    dataset=dict(type='SyntheticPose2DDataset', pipeline=train_pipeline, num_per_class=32),
)
val_dataloader = dict(dataset=dict(type='SyntheticPose2DDataset', pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(type='SyntheticPose2DDataset', pipeline=test_pipeline))

max_epochs = 20  # 10 iterations per epoch
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=max_epochs))
