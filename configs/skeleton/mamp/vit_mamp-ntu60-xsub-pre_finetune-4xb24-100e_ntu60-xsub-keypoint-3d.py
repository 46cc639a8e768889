# Fine-tuning of MAMP on NTU RGB+D 60 cross-subject: the paper's protocol, read in this file
# plus the shared runtime (../../_base_/default_runtime.py); the other fine-tune,
# semi-supervised and transfer configs inherit it and change the data and the pre-trained
# encoder.
# Expected top-1: 93.1 (paper), 93.0 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py; any other one (e.g. a
# converted official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
# (a checkpoint of another clip length has its temporal embedding resized bicubically).
# Global batch 96 (4 GPUs x 24 officially) and lr 5e-4 on any GPU count:
# GlobalBatchSampler gives each process 96 / processes.
_base_ = '../../_base_/default_runtime.py'

# MAMP encoder (256 wide, 8 blocks x 8 heads, 120-frame clips, 4-frame x 1-joint tokens)
# with drop path 0.3; the official head: Dropout(0.3) -> mean over time -> flatten
# joints x channels -> mean over persons -> Linear(25*256 -> 2048) -> BatchNorm1d -> ReLU
# -> Linear(2048 -> 60); label smoothing 0.1
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
        drop_path_rate=0.3,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth',
            prefix='backbone.',
        ),
    ),
    cls_head=dict(
        type='MAMPFinetuneHead',
        num_classes=60,
        in_channels=256,
        num_joints=25,
        hidden_dims=2048,
        dropout=0.3,
        label_smooth_eps=0.1,
    ),
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
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=96),
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

# AdamW (0.9, 0.999), lr 5e-4, weight decay 0.05 except on 1-D parameters, layer-wise lr
# decay 0.8 (embeddings = layer 0, block i = layer i+1, final norm and head = layer 9; lr
# scale 0.8^(9 - layer)); 100 epochs: 5 warm-up epochs linear from 0, then half-cycle
# cosine to 1e-6 (eta_min_ratio 1e-6 / 5e-4, scaled with each layer's lr as the official
# code does), updated every iteration; evaluation after every epoch
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    constructor='LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.8),
)
param_scheduler = [
    dict(type='LinearWarmupLR', begin=0, end=5, by_epoch=True, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=0.002,
        begin=5,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
auto_scale_lr = dict(enable=False, base_batch_size=96)
