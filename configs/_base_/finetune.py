# Fine-tune protocol shared by configs/finetune/* (and through them configs/semi/*,
# configs/transfer/*, configs/mixing/*): MAMP encoder (drop path 0.3) + official head, AdamW
# with layer-wise lr decay 0.8, warm-up + cosine, label smoothing 0.1. A fine-tune config
# adds one dataset of _base_/datasets/ (its data, the single-clip centre-crop test and
# AccMetric) and states num_classes, the default pre-training checkpoint (override:
# --cfg-options model.backbone.init_cfg.checkpoint=PATH) and the per-GPU batch 24 of the
# official 4-GPU run (tools/train.py derives it from train_global_batch_size = 96 for the
# actual number of processes; two bases cannot both set train_dataloader).
_base_ = [
    './default_runtime.py',
    './models/mamp_finetune.py',
    './schedules/finetune_adamw_100e.py',
]

default_hooks = dict(checkpoint=dict(interval=10, save_best='acc/top1', rule='greater'))
