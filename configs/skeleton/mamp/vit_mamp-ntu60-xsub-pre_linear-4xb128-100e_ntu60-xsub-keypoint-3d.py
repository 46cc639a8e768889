# Linear probe of MAMP on NTU RGB+D 60 cross-subject: the paper's protocol, read in this file
# plus the shared runtime (../../_base_/default_runtime.py); the other linear-probe configs
# inherit it and change the data and the pre-trained encoder.
# Expected top-1: 84.9 (paper), 85.0 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py; any other one (e.g. a
# converted official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
# Global batch 512 (4 GPUs x 128 officially) and SGD lr 0.1 on any GPU count:
# GlobalBatchSampler gives each process 512 / processes.
_base_ = '../../_base_/default_runtime.py'

# Frozen MAMP encoder (256 wide, 8 blocks x 8 heads, 120-frame clips, 4-frame x 1-joint
# tokens); feature = final-norm output averaged over persons, time tokens and joints, then
# BatchNorm1d(256, affine=False, eps=1e-6) + Linear(256 -> 60)
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,
        embed_dims=256,
        depth=8,
        num_heads=8,
        mlp_ratio=4.0,
        qkv_bias=True,
        num_frames=120,
        num_joints=25,
        temporal_patch_size=4,
        spatial_patch_size=1,
        drop_path_rate=0.0,
        frozen=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth',
            prefix='backbone.',
        ),
    ),
    cls_head=dict(type='MAMPLinearHead', num_classes=60, in_channels=256),
)

# The official MAMP feeder (docs/data_preparation.md), centred first (CentreSkeleton: a
# no-op on the centred pickles of tools/data/ntu_to_mmaction.py, the official centring on
# mmaction2's raw-coordinate ntu60_3d.pkl). Train: random crop of the valid frames, ratio
# U(0.5, 1), at least 64 frames, resized to 120, random 3-axis rotation |angle| <= 0.3;
# val / test: single clip, centre crop 0.95 of the valid frames resized to 120 (the
# paper's protocol). Evaluation: mmaction2's AccMetric (top-1, top-5, mean class accuracy).
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_pipeline = [
    dict(type='CentreSkeleton', origin_joint=1),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='CentreSkeleton', origin_joint=1),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=512),
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SafePoseDataset', ann_file=ann_file, split='xsub_train', pipeline=train_pipeline
    ),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SafePoseDataset',
        ann_file=ann_file,
        split='xsub_val',
        pipeline=val_pipeline,
        test_mode=True,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# SGD momentum 0.9, no weight decay, lr 0.1, 100 epochs, no warm-up, cosine to 0 updated
# every iteration, evaluation after every epoch
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0),
)
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0.0, begin=0, by_epoch=True, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=512)
