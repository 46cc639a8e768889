# Fine-tuning of MAMP on NTU RGB+D 60 cross-subject.
# Expected top-1: 93.1 (paper), 93.0 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py; any other one (e.g. a converted
# official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
# Global batch 96 (4 GPUs x 24 officially) on any GPU count, AdamW lr 5e-4, layer decay 0.8.
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
test_dataloader = val_dataloader
