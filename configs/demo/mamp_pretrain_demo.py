# MAMP pre-training on the embedded synthetic skeletons: a few minutes on 2 idle CPU cores
# with no download, and ends by showing what it learned: the k-NN monitor scores the
# pre-trained encoder next to a randomly initialised one (docs/demo.md explains the data
# and the numbers). The recipe reads in this file plus the shared runtime
# (../_base_/default_runtime.py) and the demo data (../_base_/datasets/synthetic_skeletons.py);
# the 2-D and query-decoder pre-training demos inherit it.
#   python tools/train.py configs/demo/mamp_pretrain_demo.py
# Same algorithm as the paper (motion-aware masking with mask ratio 0.9 and tau 0.8, motion
# target, masked-only loss, AdamW + warm-up + cosine) on a CPU budget: a 96-wide 4-block
# encoder on 32-frame clips of one person (8 x 25 = 200 tokens), a 1-block 64-wide decoder,
# batches of 16, 3000 iterations.
# Global batch 16 on any process count (GlobalBatchSampler: 1 CPU process x 16, or 2 x 8
# with tools/dist_train.sh ... 2), so lr needs no rescaling. On a machine where other jobs
# run, cap torch's threads: OMP_NUM_THREADS=1 (docs/demo.md, "Shared CPUs").
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_skeletons.py']

# ViT encoder 96 wide x 4 blocks x 4 heads (the paper's: 256 x 8 x 8 on 120 frames) with
# the paper's 4-frame x 1-joint tokens; decoder predicting the normalised motion of the
# masked tokens (its token geometry comes from the encoder, the masks from
# MotionAwareMasking in the pipeline)
model = dict(
    type='MAMP',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,
        embed_dims=96,
        depth=4,
        num_heads=4,
        mlp_ratio=4.0,
        qkv_bias=True,
        num_frames=_base_.clip_len,
        num_joints=25,
        temporal_patch_size=4,
        spatial_patch_size=1,
        drop_path_rate=0.0,
    ),
    head=dict(
        type='MAMPMotionHead',
        decoder_embed_dims=64,
        decoder_depth=1,
        decoder_num_heads=4,
        norm_target=True,
    ),
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

# The paper's optimizer (AdamW (0.9, 0.95), weight decay 0.05 except on 1-D parameters and
# biases) at lr 2e-3 for the batch of 16; 3 warm-up epochs, then half-cycle cosine to
# 0.05 x lr, both updated every iteration. LinearLR starts at 1e-8 x lr (it needs a factor
# > 0) and peaks one iteration early; the zoo recipes use LinearWarmupLR, the official
# warm-up exactly.
max_epochs = 150  # 20 iterations per epoch
warmup_epochs = 3
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
optim_wrapper = dict(
    type='OptimWrapper',
    # fused: one kernel over all parameters instead of ~10 tensor ops per parameter; the
    # same update up to float rounding (profiled: ~14 % of the CPU step was the optimizer)
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.95), weight_decay=0.05, fused=True),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0),
)
# the cosine states its end, so train_cfg.max_epochs=3 stops this schedule after 60
# iterations (the control of docs/demo.md) instead of squeezing it into them
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
# Linear lr scaling reference, off: the global batch is fixed
auto_scale_lr = dict(enable=False, base_batch_size=16)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=50, max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(backend='gloo'))

custom_hooks = [_base_.demo_knn_monitor]
