# Fine-tuning of MAMP on NTU RGB+D 120 cross-setup.
# Expected top-1: 91.3 (paper), 91.5 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of configs/mamp_pretrain_ntu120_xset.py;
# any other one (e.g. a converted official checkpoint) with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../_base_/finetune.py', '../_base_/datasets/ntu120_xset.py']

model = dict(
    backbone=dict(init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_ntu120_xset/epoch_400.pth')),
    cls_head=dict(num_classes=120),
)
train_dataloader = dict(batch_sampler=dict(global_batch_size=96))  # 4 GPUs x 24
