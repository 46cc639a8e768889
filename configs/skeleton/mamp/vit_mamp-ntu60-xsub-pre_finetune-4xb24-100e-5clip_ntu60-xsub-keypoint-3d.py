# Fine-tuning on NTU RGB+D 60 cross-subject, tested with 5 clips instead of the paper's
# single centre crop: 5 crops of 80% of the valid frames, starts spread evenly, each resized
# to 120 frames; the head averages the clips' softmax scores (average_clips='prob').
# Training is the recipe of vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py.
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py; any other one (e.g. a converted
# official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_finetune.py',
    '../../_base_/datasets/skeleton_classification.py',
    '../../_base_/schedules/finetune_adamw_100e.py',
]

model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth'
        )
    ),
    cls_head=dict(num_classes=60),
)
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train'),
    batch_sampler=dict(global_batch_size=96),
)
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_pipeline = [
    dict(type='MultiClipCropResize', clip_len=120, num_clips=5, crop_ratio=0.8),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val', pipeline=test_pipeline))
