# Fine-tuning of MAMP on NTU RGB+D 120 cross-subject.
# Expected top-1: 90.0 (paper), 89.8 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of configs/mamp_pretrain_ntu120_xsub.py;
# any other one (e.g. a converted official checkpoint) with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../_base_/finetune.py', '../_base_/datasets/ntu120_xsub.py']

model = dict(
    backbone=dict(init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_ntu120_xsub/epoch_400.pth')),
    cls_head=dict(num_classes=120),
)
train_dataloader = dict(batch_sampler=dict(global_batch_size=96))  # 4 GPUs x 24
