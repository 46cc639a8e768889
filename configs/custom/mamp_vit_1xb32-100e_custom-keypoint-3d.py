# MAMP pre-training on your own 3-D skeletons (docs/custom_data.md). MAMP needs no labels:
# an unlabelled pickle works here.
#   python tools/data/numpy_to_mmaction.py MY_CLIPS_DIR --labels MY_LABELS.txt \
#       --out data/skeleton/my_skeletons.pkl
#   python tools/train.py configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py
# The paper's recipe (mask ratio 0.9, tau 0.8, 4-frame tokens, motion target, AdamW +
# warm-up + cosine) and encoder (256 wide, 8 blocks), 100 epochs at a global batch of 32
# (any GPU count) with the paper's lr scaled linearly from its 128 clips per step.
#
# Your layout is written in the keys below, where it is used: edit them in a copy of this
# file, or override them with --cfg-options (the same keys; a list element by its index):
#   joints V           model.backbone.num_joints (the decoder follows the encoder)
#   coordinates C      model.backbone.in_channels
#   frames T           model.backbone.num_frames and clip_len of ValidCropResize
#                      (train_dataloader.dataset.pipeline.1.clip_len, test_pipeline)
#   persons M          num_person of FormatGCNInput (pipeline step 3)
#   origin joint       origin_joint of CentreSkeleton (pipeline step 0)
#   data               train_dataloader.dataset.ann_file, train_dataloader.dataset.split
#   batch, lr, epochs  train_dataloader.batch_sampler.global_batch_size,
#                      optim_wrapper.optimizer.lr, train_cfg.max_epochs
# The pre-flight check stops the run before iteration 1 with one line when the model and
# the clips disagree (joints, coordinates, too few clips for one batch).
_base_ = '../_base_/default_runtime.py'

model = dict(
    type='MAMP',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,  # C: coordinates per joint (x, y, z)
        embed_dims=256,
        depth=8,
        num_heads=8,
        mlp_ratio=4.0,
        num_frames=120,  # T: frames per clip after crop + resize, a multiple of 4
        num_joints=17,  # V: joints per person
        temporal_patch_size=4,  # frames per token: T / 4 * V tokens per person
    ),
    # the decoder takes its token geometry (width, clip length, joints, patches) from the encoder
    head=dict(type='MAMPMotionHead', decoder_embed_dims=256, decoder_depth=3, decoder_num_heads=8),
)

train_pipeline = [
    # the origin: joint 0 (e.g. the pelvis / hip centre) of person 0 in its first frame
    dict(type='CentreSkeleton', origin_joint=0),
    dict(
        type='ValidCropResize',
        clip_len=120,
        p_interval=(0.5, 1.0),
        min_crop_len=64,
        min_valid_frames=4,
    ),
    dict(type='RandomRot3D', theta=0.3),
    # M person slots per clip (fewer persons: zero-padded; more: the first M)
    dict(type='FormatGCNInput', num_person=1),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
# The deterministic view of a clip (no augmentation, no mask), read by
# tools/analysis_tools/extract_features.py to give this encoder's features.
test_pipeline = [
    dict(type='CentreSkeleton', origin_joint=0),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
# 2 worker processes: enough for this pipeline on a small machine; raise num_workers
# where there are more cores
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=32),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SafePoseDataset',
        ann_file='data/skeleton/my_skeletons.pkl',  # tools/data/*_to_mmaction.py
        split='train',  # None: every clip of the pickle
        pipeline=train_pipeline,
    ),
)

# AdamW (0.9, 0.95), weight decay 0.05 except on 1-D parameters and biases; lr 2.5e-4 =
# 1e-3 x 32 / 128; 5 warm-up epochs linear from 0, then half-cycle cosine to half the lr
# (the paper's 5e-4 / 1e-3), both per iteration
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2.5e-4, betas=(0.9, 0.95), weight_decay=0.05, fused=True),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0),
)
param_scheduler = [
    dict(type='LinearWarmupLR', begin=0, end=5, by_epoch=True, convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=0.5,
        begin=5,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3))
