# MAMP pre-training on NTU RGB+D 60 cross-subject: decoder depth 3, mask ratio 0.9, tau 0.80, 400 epochs.
# Global batch 128 and lr 1e-3 on any GPU count (GlobalBatchSampler of
# _base_/datasets/skeleton_pretrain.py): 4 GPUs x 32 as in the paper, 8 x 16, 1 x 128.
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py 8
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_pretrain.py',
    '../../_base_/datasets/skeleton_pretrain.py',
    '../../_base_/schedules/pretrain_adamw_400e.py',
]

train_dataloader = dict(dataset=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xsub_train'))
default_hooks = dict(checkpoint=dict(interval=20))
