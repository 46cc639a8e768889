# A MAMP pre-training run small enough for tests: the repository's runtime (so every run
# guarantee is present) with the paper's model and optimizer cut to a 1-block 32-wide encoder
# on 16-frame one-person clips of the embedded synthetic data: 3 epochs x 5 iterations of 8.
_base_ = ['../../configs/_base_/default_runtime.py']

clip_len = 16
model = dict(
    type='MAMP',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,
        embed_dims=32,
        depth=1,
        num_heads=2,
        mlp_ratio=4.0,
        qkv_bias=True,
        num_frames=clip_len,
        num_joints=25,
        temporal_patch_size=4,
        spatial_patch_size=1,
        drop_path_rate=0.0,
    ),
    head=dict(
        type='MAMPMotionHead',
        decoder_embed_dims=32,
        decoder_depth=1,
        decoder_num_heads=2,
        norm_target=True,
    ),
)
train_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.5, 1.0), min_crop_len=8),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='MotionAwareMasking', mask_ratio=0.75, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=8),
    num_workers=0,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SyntheticSkeletonDataset', split='train', num_per_class=4, pipeline=train_pipeline
    ),
)
max_epochs = 3
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05, fused=True),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0),
)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-8,
        begin=0,
        end=1,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=0.05,
        begin=1,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
auto_scale_lr = dict(enable=False, base_batch_size=128)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
log_processor = dict(window_size=1)  # each iteration's own loss in the logs
env_cfg = dict(dist_cfg=dict(backend='gloo', timeout=60))
