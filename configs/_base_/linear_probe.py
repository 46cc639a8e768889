# Linear-probe protocol (spec §5) shared by configs/linear/*: frozen MAMP encoder, official
# pooling + BatchNorm1d(affine=False) + Linear head, SGD recipe, single-clip centre-crop
# test with AccMetric. Dataset configs set ann_file, split, num_classes and the default
# pre-training checkpoint (override: --cfg-options model.backbone.init_cfg.checkpoint=PATH).
_base_ = [
    './default_runtime.py',
    './models/mamp_linear.py',
    './datasets/skeleton_classification.py',
    './schedules/linear_probe_sgd_100e.py',
]

# per-GPU batch of the official 4-GPU run; tools/train.py derives it from
# train_global_batch_size (512) for the actual number of processes
train_dataloader = dict(batch_size=128)
default_hooks = dict(checkpoint=dict(interval=10, save_best='acc/top1', rule='greater'))
