# MAMP pre-training on PKU-MMD phase II cross-subject: decoder depth 5, mask ratio 0.9, tau 0.80, 400 epochs.
# Global batch 128 and lr 1e-3 on any GPU count (GlobalBatchSampler of
# _base_/datasets/skeleton_pretrain.py): 4 GPUs x 32 as in the paper, 8 x 16, 1 x 128.
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp_vit_4xb32-400e_pku2-xsub-keypoint-3d.py 8
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_pretrain.py',
    '../../_base_/datasets/skeleton_pretrain.py',
    '../../_base_/schedules/pretrain_adamw_400e.py',
]

model = dict(head=dict(decoder_depth=5))
train_dataloader = dict(dataset=dict(ann_file='data/skeleton/pku2_3d.pkl', split='xsub_train'))
default_hooks = dict(checkpoint=dict(interval=20))
