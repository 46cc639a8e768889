# Transfer learning: MAMP pre-trained on NTU RGB+D 120 (cross-subject training set),
# fine-tuned on PKU-MMD phase II cross-subject with the fine-tune recipe.
# Expected top-1: see the paper (docs/model_zoo.md).
# Note: the released transfer script overrides lr to 3e-4 and min lr to 1e-5 on 2 GPUs
# (--cfg-options optim_wrapper.optimizer.lr=3e-4 param_scheduler.1.eta_min_ratio=0.0333
# train_global_batch_size=48 reproduces that run); this config keeps the paper's recipe.
# Pre-trained encoder: by default the last checkpoint of configs/mamp_pretrain_ntu120_xsub.py;
# any other one (e.g. a converted official checkpoint) with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../finetune/mamp_finetune_pku2_xsub.py']

model = dict(
    backbone=dict(init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_ntu120_xsub/epoch_400.pth'))
)
