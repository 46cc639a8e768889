# Linear probe of MAMP pre-trained on mmaction2's 2-D NTU-60 skeletons (COCO-17,
# (x, y)), cross-subject: the 3-D protocol (vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py) with the 2-D pipelines of
# mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d.py (docs/pose_2d.md) on 17 joints x (x, y).
# No published number exists for MAMP on 2-D poses.
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d.py; any other one (e.g. a
# converted official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
# Global batch 512 and lr 0.1 on any GPU count (GlobalBatchSampler, as the recipe it inherits).
_base_ = './vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'

model = dict(
    backbone=dict(
        in_channels=2,
        num_joints=17,
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d/epoch_400.pth'
        ),
    ),
)
ann_file = 'data/skeleton/ntu60_2d.pkl'
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='ZeroUndetectedJoints', score_thr=0.0),
    dict(type='CentreDetectedJoints'),
    dict(type='DetectedCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomFlipRotateScale2D', flip_ratio=0.5, max_angle=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='ZeroUndetectedJoints', score_thr=0.0),
    dict(type='CentreDetectedJoints'),
    dict(type='DetectedCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline
train_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=val_pipeline))
test_dataloader = val_dataloader
