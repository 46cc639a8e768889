# MAMP pre-training on your own 3-D skeletons. Copy this file and edit only the
# "Your data" block: the encoder, the decoder, the crop, the masking and the data checks all
# follow it (docs/custom_data.md). MAMP needs no labels: an unlabelled pickle works here.
#   python tools/data/numpy_to_mmaction.py MY_CLIPS_DIR --labels MY_LABELS.txt \
#       --out data/skeleton/my_skeletons.pkl
#   python tools/train.py configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py
# The paper's recipe (mask ratio 0.9, tau 0.8, 4-frame tokens, motion target, AdamW +
# warm-up + cosine) and encoder (256 wide, 8 blocks); a global batch of 32 (any GPU count) with the paper's
# lr scaled linearly from its 128 clips per step.
_base_ = ['../_base_/default_runtime.py', '../_base_/schedules/pretrain_adamw_400e.py']

# ---- Your data: the skeleton layout, stated once ---------------------------------------
ann_file = 'data/skeleton/my_skeletons.pkl'  # PoseDataset pickle (tools/data/*_to_mmaction.py)
train_split = 'train'  # split of the pickle to pre-train on; None: every clip
num_joints = 17  # V: joints per person
num_coords = 3  # C: coordinates per joint (x, y, z)
num_person = 1  # M: person slots per clip (fewer persons: zero-padded; more: the first M)
clip_len = 120  # T: frames per clip after crop + resize, a multiple of temporal_patch_size
origin_joint = 0  # joint put at the origin (person 0, first frame), e.g. the pelvis / hip centre

# ---- Recipe ------------------------------------------------------------------------------
temporal_patch_size = 4  # u: frames per token (tokens per person: clip_len / u * num_joints)
min_crop_len = 64  # shortest training crop, in frames of the stored clip
embed_dims = 256  # encoder width, depth and heads (the paper's ViT)
depth = 8
num_heads = 8
batch_size = 32
max_epochs = 100
warmup_epochs = 5
lr = 1e-3 * batch_size / 128
min_lr = 5e-4 * batch_size / 128

model = dict(
    type='MAMP',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=num_coords,
        embed_dims=embed_dims,
        depth=depth,
        num_heads=num_heads,
        mlp_ratio=4.0,
        num_frames=clip_len,
        num_joints=num_joints,
        temporal_patch_size=temporal_patch_size,
    ),
    # the decoder takes its token geometry (width, clip length, joints, patches) from the encoder
    head=dict(type='MAMPMotionHead', decoder_embed_dims=256, decoder_depth=3, decoder_num_heads=8),
)

train_pipeline = [
    dict(type='CentreSkeleton', origin_joint=origin_joint),
    dict(
        type='ValidCropResize',
        clip_len=clip_len,
        p_interval=(0.5, 1.0),
        min_crop_len=min_crop_len,
        min_valid_frames=temporal_patch_size,
    ),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(
        type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=temporal_patch_size
    ),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
# The deterministic view of a clip (no augmentation, no mask), read by
# tools/analysis_tools/extract_features.py to give this encoder's features.
test_pipeline = [
    dict(type='CentreSkeleton', origin_joint=origin_joint),
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=batch_size),
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SafePoseDataset', ann_file=ann_file, split=train_split, pipeline=train_pipeline
    ),
)

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = [
    dict(_base_.warmup_lr, end=warmup_epochs),
    dict(_base_.cosine_lr, begin=warmup_epochs, eta_min_ratio=min_lr / lr),
]
auto_scale_lr = dict(enable=False, base_batch_size=batch_size)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3))
