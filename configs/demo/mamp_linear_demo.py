# Linear probe on the embedded synthetic skeletons (10 classes), CPU-sized: the encoder of
# configs/demo/mamp_pretrain_demo.py (96 wide, 4 blocks, 32-frame clips), frozen, with the
# official pooling + BatchNorm1d(affine=False) + Linear head and the SGD recipe on a short
# schedule. Test: single centre crop 0.95, AccMetric.
#   python tools/train.py configs/demo/mamp_linear_demo.py
# (after the demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH, a random encoder:
#   --cfg-options model.backbone.init_cfg=None). tools/demo_linear_probe.py runs all three.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_linear.py',
    '../_base_/datasets/skeleton_classification.py',
    '../_base_/schedules/linear_probe_sgd_100e.py',
]

clip_len = 32
max_epochs = 20
model = dict(
    backbone=dict(
        embed_dims=96,
        depth=4,
        num_heads=4,
        num_frames=clip_len,
        init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_demo/epoch_150.pth'),
    ),
    cls_head=dict(num_classes=10, in_channels=96),
)

train_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.5, 1.0), min_crop_len=32),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
# Global batch 32 on any process count (GlobalBatchSampler); lr 0.1 as in the paper.
train_dataloader = dict(
    batch_sampler=dict(global_batch_size=32),
    num_workers=1,
    pin_memory=False,
    dataset=dict(
        _delete_=True,
        type='SyntheticSkeletonDataset',
        split='train',
        num_per_class=32,
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=1,
    pin_memory=False,
    dataset=dict(
        _delete_=True,
        type='SyntheticSkeletonDataset',
        split='val',
        num_per_class=20,
        pipeline=test_pipeline,
        test_mode=True,
    ),
)
test_dataloader = val_dataloader

train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0.0,
        begin=0,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    )
]
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
