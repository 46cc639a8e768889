# MAMP pre-training on NTU-60 cross-subject, decoder depth 3, tau 0.80.
# Effective batch 128 and lr 1e-3 on any GPU count: see
# _base_/datasets/skeleton_pretrain.py (train_global_batch_size).
_base_ = [
    './_base_/default_runtime.py',
    './_base_/models/mamp_pretrain.py',
    './_base_/datasets/skeleton_pretrain.py',
    './_base_/schedules/pretrain_adamw_400e.py',
]

train_dataloader = dict(dataset=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xsub_train'))
default_hooks = dict(checkpoint=dict(interval=20))
