# MAMP pre-training on the embedded synthetic actions seen as 2-D COCO-17 keypoints with
# detector scores (SyntheticPose2DDataset: the 3-D demo actions projected to 1920 x 1080
# pixels), with the encoder and clip length of configs/demo/mamp_pretrain_demo.py and the 2-D
# pipeline of configs/mamp_pretrain_ntu60_2d.py: 32-frame clips, 8 x 17 = 136 tokens per
# person, both persons. It keeps the short schedule it was written with (30 epochs of batches
# of 32) and has no k-NN monitor (the 3-D demo's monitor reads 3-D clips).
#   python tools/train.py configs/demo/mamp_pretrain_demo_2d.py
_base_ = ['./mamp_pretrain_demo.py', '../_base_/datasets/pose2d_pipelines.py']

model = dict(backbone=_base_.encoder_2d, head=_base_.encoder_2d)
train_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.train_crop_2d, clip_len=_base_.clip_len, min_crop_len=32),
    _base_.augment_2d,
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
train_dataloader = dict(
    batch_size=32, dataset=dict(type='SyntheticPose2DDataset', pipeline=train_pipeline)
)

max_epochs = 30
train_cfg = dict(max_epochs=max_epochs)
train_global_batch_size = 32
auto_scale_lr = dict(base_batch_size=32)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-8,
        begin=0,
        end=3,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=0.05,
        begin=3,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=10))
custom_hooks = [dict(type='PortableCheckpointHook'), dict(type='SilenceKnownDeprecationsHook')]
