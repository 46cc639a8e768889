# Fine-tuning of MAMP on PKU-MMD phase II cross-subject.
# Expected top-1: see the paper (docs/model_zoo.md).
# Pre-trained encoder: by default the last checkpoint of configs/mamp_pretrain_pku2_xsub.py;
# any other one (e.g. a converted official checkpoint) with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../_base_/finetune.py', '../_base_/datasets/pku2_xsub.py']

model = dict(
    backbone=dict(init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_pku2_xsub/epoch_400.pth')),
    cls_head=dict(num_classes=51),
)
train_dataloader = dict(batch_sampler=dict(global_batch_size=96))  # 4 GPUs x 24
