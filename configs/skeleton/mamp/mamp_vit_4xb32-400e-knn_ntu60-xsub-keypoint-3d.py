# NTU-60 xsub pre-training (mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py, inherited as is)
# with the k-NN monitor: every 20 epochs the encoder embeds the first 10,000 labelled
# xsub_train clips (the bank) and all 16,487 xsub_val clips of the same pickle with the
# test pipeline (the linear probe's view), and knn/top1, knn/top5 are logged
# (docs/monitoring.md).
# Global batch 128 and lr 1e-3 on any GPU count (GlobalBatchSampler, as the recipe it inherits).
_base_ = './mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'

knn_data = dict(
    type='SafePoseDataset',
    ann_file=_base_.ann_file,
    pipeline=_base_.test_pipeline,
    test_mode=True,
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
