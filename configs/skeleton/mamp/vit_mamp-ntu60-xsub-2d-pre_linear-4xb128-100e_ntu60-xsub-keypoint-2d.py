# Linear probe of MAMP pre-trained on mmaction2's 2-D NTU-60 skeletons (COCO-17,
# (x, y)), cross-subject: the 3-D protocol with the 2-D pipelines of
# _base_/datasets/pose2d_pipelines.py. No published number exists for MAMP on 2-D poses.
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d.py; any other one (e.g. a converted
# official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_linear.py',
    '../../_base_/datasets/skeleton_classification.py',
    '../../_base_/datasets/pose2d_pipelines.py',
    '../../_base_/schedules/linear_probe_sgd_100e.py',
]

model = dict(
    backbone=dict(
        **_base_.encoder_2d,
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d/epoch_400.pth'
        ),
    ),
    cls_head=dict(num_classes=60),
)
ann_file = 'data/skeleton/ntu60_2d.pkl'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train', pipeline=_base_.train_pipeline_2d)
)
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_val', pipeline=_base_.test_pipeline_2d)
)
test_dataloader = val_dataloader
