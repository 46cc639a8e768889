# Linear probe of a MAMP encoder pre-trained on your own 3-D skeletons
# (configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py). Copy this file and edit only
# the "Your data" block, with the layout of your pre-training config (docs/custom_data.md).
#   python tools/train.py configs/custom/vit_mamp-custom-pre_linear-1xb32-100e_custom-keypoint-3d.py
# (another pre-training checkpoint: --cfg-options model.backbone.init_cfg.checkpoint=PATH).
# The official protocol: frozen encoder, features averaged over persons, time and joints,
# BatchNorm1d(affine=False) + Linear, SGD lr 0.1 + cosine; test on the centre 95 % crop.
_base_ = ['../_base_/default_runtime.py', '../_base_/schedules/linear_probe_sgd_100e.py']

# ---- Your data: the skeleton layout, stated once (as in the pre-training config) ---------
ann_file = 'data/skeleton/my_skeletons.pkl'  # PoseDataset pickle with labels
train_split = 'train'
val_split = 'val'
num_classes = 10  # K: labels 0 .. K-1
num_joints = 17  # V: joints per person
num_coords = 3  # C: coordinates per joint (x, y, z)
num_person = 1  # M: person slots per clip (fewer persons: zero-padded; more: the first M)
clip_len = 120  # T: frames per clip after crop + resize, a multiple of temporal_patch_size
origin_joint = 0  # joint put at the origin (person 0, first frame), e.g. the pelvis / hip centre
pretrained = 'work_dirs/mamp_vit_1xb32-100e_custom-keypoint-3d/epoch_100.pth'

# ---- Recipe (the encoder's as in pre-training) -------------------------------------------
temporal_patch_size = 4
min_crop_len = 64
embed_dims = 256  # encoder width, depth and heads (the paper's ViT)
depth = 8
num_heads = 8
batch_size = 32
max_epochs = 100
lr = 0.1

model = dict(
    type='RecognizerGCN',
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
        frozen=True,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.'),
    ),
    cls_head=dict(type='MAMPLinearHead', num_classes=num_classes, in_channels=embed_dims),
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
    dict(type='PackActionInputs'),
]
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
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SafePoseDataset',
        ann_file=ann_file,
        split=val_split,
        pipeline=test_pipeline,
        test_mode=True,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

train_cfg = dict(max_epochs=max_epochs)  # the cosine of the schedule runs to the last epoch
optim_wrapper = dict(optimizer=dict(lr=lr))
auto_scale_lr = dict(base_batch_size=batch_size)
