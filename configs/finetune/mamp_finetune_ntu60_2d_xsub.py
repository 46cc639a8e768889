# Fine-tuning of MAMP pre-trained on mmaction2's 2-D NTU-60 skeletons (COCO-17, (x, y)),
# cross-subject: the 3-D fine-tune protocol (its head flattens 17 joint tokens x 256) with
# the 2-D data of _base_/datasets/ntu60_2d_xsub.py. No published number exists for MAMP on
# 2-D poses.
# Pre-trained encoder: by default the last checkpoint of configs/mamp_pretrain_ntu60_2d.py;
# another one with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../_base_/finetune.py', '../_base_/datasets/ntu60_2d_xsub.py']

model = dict(
    backbone=dict(
        **_base_.encoder_2d,
        init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_ntu60_2d/epoch_400.pth'),
    ),
    cls_head=dict(num_classes=60, num_joints=_base_.num_joints_2d),
)
train_dataloader = dict(batch_sampler=dict(global_batch_size=96))  # 4 GPUs x 24
