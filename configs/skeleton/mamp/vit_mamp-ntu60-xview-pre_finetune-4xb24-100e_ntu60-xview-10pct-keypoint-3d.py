# Semi-supervised MAMP on NTU RGB+D 60 cross-view: the fine-tune recipe on 10% of the labelled
# training split. Expected top-1: see the paper (docs/model_zoo.md).
# The subset is a plain random 0.1 fraction (int(N * 0.1) clips, not stratified by
# class, as the official feeder) drawn with `subset_seed`; the log records its size, seed and
# a fingerprint of the chosen clips. The official scripts repeat each run 5 times; do the
# same with --cfg-options train_dataloader.dataset.subset_seed=0 ... 4 and average.
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xview-keypoint-3d.py; any other one (e.g. a converted
# official checkpoint) with --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_finetune.py',
    '../../_base_/datasets/skeleton_classification.py',
    '../../_base_/schedules/finetune_adamw_100e.py',
]

model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xview-keypoint-3d/epoch_400.pth'
        )
    ),
    cls_head=dict(num_classes=60),
)
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(
    dataset=dict(
        type='LabelFractionPoseDataset',
        ann_file=ann_file,
        split='xview_train',
        label_fraction=0.1,
        subset_seed=0,
    ),
    batch_sampler=dict(global_batch_size=96),
)
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_val'))
test_dataloader = val_dataloader
