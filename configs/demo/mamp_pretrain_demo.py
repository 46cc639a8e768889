# MAMP pre-training on the embedded synthetic skeletons: runs on a 2-core CPU
# in a few minutes with no download. Same algorithm as the paper (motion-aware
# masking, motion target, masked-only loss) with a smaller encoder, 64-frame
# clips and a short schedule.
#   python tools/train.py configs/demo/mamp_pretrain_demo.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_pretrain.py',
    '../_base_/schedules/pretrain_adamw_400e.py',
]

clip_len = 64
max_epochs = 30
model = dict(
    backbone=dict(embed_dims=96, depth=4, num_heads=4, num_frames=clip_len),
    head=dict(
        embed_dims=96,
        decoder_embed_dims=64,
        decoder_depth=1,
        decoder_num_heads=4,
        num_frames=clip_len,
    ),
)

train_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.5, 1.0), min_crop_len=32),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
# Global batch 32, split over processes by tools/train.py (1 CPU process x 32,
# or 2 x 16 with tools/dist_train.sh ... 2), so lr needs no rescaling.
train_global_batch_size = 32
train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SyntheticSkeletonDataset', split='train', num_per_class=32, pipeline=train_pipeline
    ),
)

train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
warmup_epochs = 3
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-8,
        begin=0,
        end=warmup_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=0.05,
        begin=warmup_epochs,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=10, max_keep_ckpts=2),
)
env_cfg = dict(dist_cfg=dict(backend='gloo'))

# k-NN monitor: labelled demo clips with the linear probe's test pipeline; after training it
# also scores a random-init encoder, so the run ends with both accuracies side by side.
knn_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
knn_data = dict(type='SyntheticSkeletonDataset', pipeline=knn_pipeline, test_mode=True)
custom_hooks = [
    dict(
        type='KNNMonitorHook',
        interval=10,
        compare_random_init=True,
        train_dataloader=dict(
            batch_size=64, num_workers=0, dataset=dict(knn_data, split='train', num_per_class=32)
        ),
        val_dataloader=dict(
            batch_size=64, num_workers=0, dataset=dict(knn_data, split='val', num_per_class=20)
        ),
    )
]
