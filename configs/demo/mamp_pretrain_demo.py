# MAMP pre-training on the embedded synthetic skeletons: about 3 minutes on 2 idle CPU cores
# with no download, and ends by showing what it learned: the k-NN
# monitor scores the pre-trained encoder next to a randomly initialised one.
#   python tools/train.py configs/demo/mamp_pretrain_demo.py
# Same algorithm as the paper (motion-aware masking with mask ratio 0.9 and tau 0.8, motion
# target, masked-only loss, AdamW + warm-up + cosine) on a CPU budget: a 96-wide 4-block
# encoder, 32-frame clips (8 x 25 = 200 tokens), only the acting person (the synthetic
# second person is mostly absent or idle; padding it would double the cost), batches of 16
# and 3000 iterations. The paper configs (configs/mamp_pretrain_*.py) are unchanged.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_pretrain.py',
    '../_base_/schedules/pretrain_adamw_400e.py',
]

clip_len = 32
num_person = 1
max_epochs = 150
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
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
# Global batch 16 on any process count (1 CPU process x 16, or 2 x 8 with
# tools/dist_train.sh ... 2), so lr needs no rescaling.
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=16),
    num_workers=1,
    persistent_workers=True,
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
auto_scale_lr = dict(enable=False, base_batch_size=16)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=50, max_keep_ckpts=2),
)
env_cfg = dict(dist_cfg=dict(backend='gloo'))

# k-NN monitor: the labelled demo clips (the 320 training clips as the bank, 500
# validation clips to classify) with the test view of the same data (centre crop, no
# rotation, no mask). After training it also scores a random-init encoder, so the run
# ends with both accuracies side by side.
knn_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]
knn_data = dict(type='SyntheticSkeletonDataset', pipeline=knn_pipeline, test_mode=True)
custom_hooks = [
    dict(
        type='KNNMonitorHook',
        interval=50,
        compare_random_init=True,
        train_dataloader=dict(
            batch_size=64, num_workers=0, dataset=dict(knn_data, split='train', num_per_class=32)
        ),
        val_dataloader=dict(
            batch_size=64, num_workers=0, dataset=dict(knn_data, split='val', num_per_class=50)
        ),
    ),
]
