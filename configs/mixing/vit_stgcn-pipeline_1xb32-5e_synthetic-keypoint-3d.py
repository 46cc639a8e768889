# Runs as is (no download, CPU): the MAMP encoder inside mmaction2's stock RecognizerGCN
# and GCNHead, fed by mmaction2's stock skeleton pipeline (PreNormalize3D, GenSkeFeat,
# UniformSampleFrames, PoseDecode, FormatGCNInput, PackActionInputs) on the embedded
# synthetic skeletons (10 classes), with the demo-sized encoder trained from scratch.
#   python tools/train.py configs/mixing/vit_stgcn-pipeline_1xb32-5e_synthetic-keypoint-3d.py
# Start from the demo pre-training instead (python tools/train.py
# configs/demo/mamp_pretrain_demo.py first):
#   --cfg-options model.backbone.init_cfg.type=Pretrained \
#       model.backbone.init_cfg.checkpoint=work_dirs/mamp_pretrain_demo/epoch_150.pth \
#       model.backbone.init_cfg.prefix=backbone.
_base_ = ['../_base_/default_runtime.py']

clip_len = 64
max_epochs = 5
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='MAMPTransformer', embed_dims=96, depth=4, num_heads=4, num_frames=clip_len),
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=96, dropout=0.1),
)

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline
train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='SyntheticSkeletonDataset', split='train', num_per_class=16, pipeline=train_pipeline
    ),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SyntheticSkeletonDataset',
        split='val',
        num_per_class=20,
        pipeline=val_pipeline,
        test_mode=True,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    constructor='LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.8),
)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True, convert_to_iter_based=True)
]
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
