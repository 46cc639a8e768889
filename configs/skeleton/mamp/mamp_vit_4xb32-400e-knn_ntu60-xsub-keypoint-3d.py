# NTU-60 xsub pre-training (the recipe of mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py)
# with the k-NN monitor: every 20 epochs the encoder embeds the first 10,000 labelled
# xsub_train clips (the bank) and all 16,487 xsub_val clips of the same pickle with the
# linear probe's test pipeline, and knn/top1, knn/top5 are logged (docs/monitoring.md).
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_pretrain.py',
    '../../_base_/datasets/skeleton_pretrain.py',
    '../../_base_/schedules/pretrain_adamw_400e.py',
]

ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
default_hooks = dict(checkpoint=dict(interval=20))
knn_data = dict(
    type='SafePoseDataset', ann_file=ann_file, pipeline=_base_.test_pipeline, test_mode=True
)
custom_hooks = [
    dict(
        type='KNNMonitorHook',
        interval=20,
        train_dataloader=dict(
            batch_size=128, num_workers=8, dataset=dict(knn_data, split='xsub_train', indices=10000)
        ),
        val_dataloader=dict(
            batch_size=128, num_workers=8, dataset=dict(knn_data, split='xsub_val')
        ),
    ),
]
