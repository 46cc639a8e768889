# MAMP pre-training on the embedded synthetic skeletons: a few minutes on 2 idle CPU cores
# with no download, and ends by showing what it learned: the k-NN monitor scores the
# pre-trained encoder next to a randomly initialised one (docs/demo.md explains the data
# and the numbers).
#   python tools/train.py configs/demo/mamp_pretrain_demo.py
# Same algorithm as the paper (motion-aware masking with mask ratio 0.9 and tau 0.8, motion
# target, masked-only loss, AdamW + warm-up + cosine) on a CPU budget: the demo encoder of
# _base_/datasets/synthetic_skeletons.py (96 wide, 4 blocks, 32-frame clips of one person,
# 8 x 25 = 200 tokens), a 1-block 64-wide decoder, batches of 16, 3000 iterations.
# Global batch 16 on any process count (GlobalBatchSampler: 1 CPU process x 16, or 2 x 8
# with tools/dist_train.sh ... 2), so lr needs no rescaling. On a machine where other jobs
# run, cap torch's threads: OMP_NUM_THREADS=1 (docs/demo.md, "Shared CPUs").
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_pretrain.py',
    '../_base_/datasets/synthetic_skeletons.py',
    '../_base_/schedules/pretrain_adamw_400e.py',
]

model = dict(
    backbone=_base_.demo_encoder,
    head=dict(decoder_embed_dims=64, decoder_depth=1, decoder_num_heads=4),
)

train_pipeline = [
    *_base_.demo_train_pipeline[:-1],
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
train_dataloader = dict(
    _base_.demo_train_loader,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=16),
    dataset=dict(
        type='SyntheticSkeletonDataset', pipeline=train_pipeline, **_base_.demo_train_split
    ),
)

max_epochs = 150  # 20 iterations per epoch
warmup_epochs = 3
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
# the cosine states its end, so train_cfg.max_epochs=3 stops this schedule after 60
# iterations (the control of docs/demo.md) instead of squeezing it into them
param_scheduler = [
    dict(_base_.warmup_lr, end=warmup_epochs),
    dict(_base_.cosine_lr, begin=warmup_epochs, end=max_epochs, eta_min_ratio=0.05),
]
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=50, max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(backend='gloo'))

custom_hooks = [_base_.demo_knn_monitor]
