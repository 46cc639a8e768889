# Linear-probe protocol shared by configs/linear/*: frozen MAMP encoder, official pooling
# + BatchNorm1d(affine=False) + Linear head, SGD recipe. A linear config adds one dataset
# of _base_/datasets/ (its data, the single-clip centre-crop test and AccMetric; per-GPU
# batch 128 as in the official 4-GPU run, which tools/train.py derives from
# train_global_batch_size = 512 for the actual number of processes) and states num_classes
# and the default pre-training checkpoint
# (override: --cfg-options model.backbone.init_cfg.checkpoint=PATH).
_base_ = [
    './default_runtime.py',
    './models/mamp_linear.py',
    './schedules/linear_probe_sgd_100e.py',
]

default_hooks = dict(checkpoint=dict(interval=10, save_best='acc/top1', rule='greater'))
