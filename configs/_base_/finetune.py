# Fine-tune protocol (spec §5) shared by configs/finetune/*, configs/semi/* and
# configs/transfer/*: MAMP encoder (drop path 0.3) + official head, AdamW with layer-wise
# lr decay 0.8, warm-up + cosine, label smoothing 0.1, single-clip centre-crop test with
# AccMetric. Dataset configs set ann_file, split, num_classes and the default pre-training
# checkpoint (override: --cfg-options model.backbone.init_cfg.checkpoint=PATH).
_base_ = [
    './default_runtime.py',
    './models/mamp_finetune.py',
    './datasets/skeleton_classification.py',
    './schedules/finetune_adamw_100e.py',
]

# per-GPU batch of the official 4-GPU run; tools/train.py derives it from
# train_global_batch_size (96) for the actual number of processes
train_dataloader = dict(batch_size=24)
default_hooks = dict(checkpoint=dict(interval=10, save_best='acc/top1', rule='greater'))
