# Linear probe of a MAMP encoder pre-trained on your own 3-D skeletons
# (configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py; docs/custom_data.md).
#   python tools/train.py configs/custom/vit_mamp-custom-pre_linear-1xb32-100e_custom-keypoint-3d.py
# The official protocol: frozen encoder, features averaged over persons, time and joints,
# BatchNorm1d(affine=False) + Linear, SGD lr 0.1 + cosine; test on the centre 95 % crop.
#
# Your layout and data are written in the keys below, where they are used: edit them in a
# copy of this file, or override them with --cfg-options (the same keys), e.g.
#   --cfg-options model.cls_head.num_classes=3 \
#       model.backbone.init_cfg.checkpoint=work_dirs/my_pretrain/epoch_100.pth
#   classes K          model.cls_head.num_classes (labels 0 .. K-1)
#   encoder weights    model.backbone.init_cfg.checkpoint
#   joints, coords,    as in the pre-training config: the encoder and the pipelines must be
#   frames, persons    the ones it was pre-trained with
#   data               {train,val,test}_dataloader.dataset.ann_file / .split
_base_ = '../_base_/default_runtime.py'

model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,  # C
        embed_dims=256,
        depth=8,
        num_heads=8,
        mlp_ratio=4.0,
        num_frames=120,  # T
        num_joints=17,  # V
        temporal_patch_size=4,
        frozen=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mamp_vit_1xb32-100e_custom-keypoint-3d/epoch_100.pth',
            prefix='backbone.',
        ),
    ),
    cls_head=dict(type='MAMPLinearHead', num_classes=10, in_channels=256),  # K classes
)

train_pipeline = [
    dict(type='CentreSkeleton', origin_joint=0),
    dict(
        type='ValidCropResize',
        clip_len=120,
        p_interval=(0.5, 1.0),
        min_crop_len=64,
        min_valid_frames=4,
    ),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='CentreSkeleton', origin_joint=0),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline
# 2 worker processes per loader: enough for this pipeline on a small machine; raise
# num_workers where there are more cores
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=32),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SafePoseDataset',
        ann_file='data/skeleton/my_skeletons.pkl',  # a PoseDataset pickle with labels
        split='train',
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SafePoseDataset',
        ann_file='data/skeleton/my_skeletons.pkl',
        split='val',
        pipeline=val_pipeline,
        test_mode=True,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# SGD momentum 0.9, no weight decay, lr 0.1 (the paper's), 100 epochs, no warm-up, cosine to
# 0 per iteration, evaluation after every epoch
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
auto_scale_lr = dict(enable=False, base_batch_size=32)
