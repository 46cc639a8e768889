# Fine-tuning of MAMP on NTU RGB+D 60 cross-subject.
# Expected top-1: 93.1 (paper), 93.0 (released checkpoint).
# Pre-trained encoder: by default the last checkpoint of configs/mamp_pretrain_ntu60_xsub.py;
# any other one (e.g. a converted official checkpoint) with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../_base_/finetune.py', '../_base_/datasets/ntu60_xsub.py']

model = dict(
    backbone=dict(init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_ntu60_xsub/epoch_400.pth')),
    cls_head=dict(num_classes=60),
)
train_dataloader = dict(batch_sampler=dict(global_batch_size=96))  # 4 GPUs x 24
