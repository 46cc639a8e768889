# Linear probe of MAMP on PKU-MMD phase I cross-subject: the NTU-60 cross-subject linear probe recipe
# (vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py: global batch 512 and
# lr 0.1 on any GPU count) on this data.
# Expected top-1: see the paper (docs/model_zoo.md).
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_pku1-xsub-keypoint-3d.py; any other one (e.g. a
# converted official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'

model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_pku1-xsub-keypoint-3d/epoch_400.pth'
        )
    ),
    cls_head=dict(num_classes=51),
)
ann_file = 'data/skeleton/pku1_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
