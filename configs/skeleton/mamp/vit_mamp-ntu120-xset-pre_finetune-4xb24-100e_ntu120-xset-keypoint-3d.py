# Fine-tuning of MAMP on NTU RGB+D 120 cross-setup: the NTU-60 cross-subject fine-tune recipe
# (vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py: global batch 96 and
# lr 5e-4 on any GPU count) on this data.
# Expected top-1: 91.3 (paper), 91.5 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu120-xset-keypoint-3d.py; any other one (e.g. a
# converted official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py'

model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu120-xset-keypoint-3d/epoch_400.pth'
        )
    ),
    cls_head=dict(num_classes=120),
)
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_val'))
test_dataloader = val_dataloader
