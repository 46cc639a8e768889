# Mixing: the MAMP encoder inside mmaction2's stock RecognizerGCN with the stock GCNHead
# (average pooling over time tokens and joints, mean over persons, dropout, Linear), trained
# with the MAMP fine-tune recipe on NTU RGB+D 60 cross-subject. The backbone returns
# (N, M, D, TP, VP), the layout GCNHead expects; its pooling equals MAMP's linear-probe
# pooling. No paper number: this is a compatibility example.
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py; any other one with
# --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_finetune.py',
    '../_base_/datasets/skeleton_classification.py',
    '../_base_/schedules/finetune_adamw_100e.py',
]

model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth'
        )
    ),
    cls_head=dict(
        _delete_=True,
        type='GCNHead',
        num_classes=60,
        in_channels=256,
        dropout=0.3,
        label_smooth_eps=0.1,
    ),
)
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train'),
    batch_sampler=dict(global_batch_size=96),
)
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
