# NTU-60 xsub pre-training (configs/mamp_pretrain_ntu60_xsub.py, unchanged) with the k-NN
# monitor: every 20 epochs the encoder embeds the first 10,000 labelled xsub_train clips (the
# bank) and all 16,487 xsub_val clips of the same pickle with the linear probe's test
# pipeline, and knn/top1, knn/top5 are logged (docs/monitoring.md).
_base_ = ['./mamp_pretrain_ntu60_xsub.py']

knn_pipeline = [
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
knn_data = dict(
    type='SafePoseDataset',
    ann_file='data/skeleton/ntu60_3d.pkl',
    pipeline=knn_pipeline,
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
