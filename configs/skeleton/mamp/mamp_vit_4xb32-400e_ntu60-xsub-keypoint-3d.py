# MAMP pre-training on NTU RGB+D 60 cross-subject: the paper's recipe, read in this file plus
# the shared runtime (../../_base_/default_runtime.py); the other pre-training configs
# inherit it and change the data, tau or the decoder depth.
# Global batch 128 and lr 1e-3 on any GPU count: GlobalBatchSampler gives each process
# 128 / processes (4 GPUs x 32 as in the paper, 8 x 16, 1 x 128), refuses a count that does
# not divide it and drops the last incomplete batch; batch_size stays None (a number there
# would be a per-process batch, mmengine's meaning).
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py 8
_base_ = '../../_base_/default_runtime.py'

# ViT encoder 256 x 8 blocks x 8 heads on 120-frame clips of 25 joints, 4-frame x 1-joint
# tokens (30 x 25 = 750 per person); 8-head decoder of depth 3 predicting the normalised
# motion of the masked tokens (its token geometry comes from the encoder, the masks from
# MotionAwareMasking in the pipeline)
model = dict(
    type='MAMP',
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
    ),
    head=dict(
        type='MAMPMotionHead',
        decoder_embed_dims=256,
        decoder_depth=3,
        decoder_num_heads=8,
        norm_target=True,
    ),
)

# The official MAMP feeder on PoseDataset pickles (keypoint (M, T, 25, 3), metres;
# docs/data_preparation.md). CentreSkeleton puts person 0's spine-middle joint of the first
# frame at the origin, as the official preprocessing does: mmaction2's own ntu60_3d.pkl
# holds raw Kinect coordinates; on pickles from tools/data/ntu_to_mmaction.py (already
# centred) it changes nothing. Train: random crop of the valid frames, ratio U(0.5, 1), at
# least 64 frames, resized to 120; random 3-axis rotation |angle| <= 0.3; two person slots;
# motion-aware masking (ratio 0.9, tau 0.80), the mask packed for the model.
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_pipeline = [
    dict(type='CentreSkeleton', origin_joint=1),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
# the deterministic view (centre crop 0.95 of the valid frames, no rotation, no mask): what
# the k-NN monitor and tools/analysis_tools/extract_features.py embed
test_pipeline = [
    dict(type='CentreSkeleton', origin_joint=1),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
# SafePoseDataset: the pickle is read without running code from it and every annotation
# is checked before training; SeededSampler: per-sample randomness keyed by
# (seed, epoch, index), so a resumed or re-parallelised run draws the same crops,
# rotations and masks
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=128),
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SafePoseDataset', ann_file=ann_file, split='xsub_train', pipeline=train_pipeline
    ),
)

# 400 epochs; AdamW (0.9, 0.95), weight decay 0.05 except on 1-D parameters and biases,
# lr 1e-3 for the global batch of 128; 20 warm-up epochs linear from 0 (lr * i / W, peak at
# epoch 20), then half-cycle cosine to 5e-4 (eta_min_ratio 0.5) to the last epoch, both
# updated every iteration. No AMP officially (--amp turns it on on a GPU).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=400)
optim_wrapper = dict(
    type='OptimWrapper',
    # fused: one kernel over all parameters instead of ~10 tensor ops per parameter; the
    # same update up to float rounding (profiled: ~14 % of the CPU step was the optimizer)
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05, fused=True),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0),
)
param_scheduler = [
    dict(type='LinearWarmupLR', begin=0, end=20, by_epoch=True, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=0.5,
        begin=20,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
# Linear lr scaling reference, off: the global batch is fixed. If you change
# train_dataloader.batch_sampler.global_batch_size, pass --auto-scale-lr to scale lr.
auto_scale_lr = dict(enable=False, base_batch_size=128)
default_hooks = dict(checkpoint=dict(interval=20))
