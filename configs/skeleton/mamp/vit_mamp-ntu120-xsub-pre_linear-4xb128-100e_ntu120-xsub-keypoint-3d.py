# Linear probe of MAMP on NTU RGB+D 120 cross-subject: the NTU-60 cross-subject linear probe recipe
# (vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py: global batch 512 and
# lr 0.1 on any GPU count) on this data.
# Expected top-1: 78.6 (paper), 78.1 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu120-xsub-keypoint-3d.py; any other one (e.g. a
# converted official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'

model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu120-xsub-keypoint-3d/epoch_400.pth'
        )
    ),
    cls_head=dict(num_classes=120),
)
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
