# The embedded synthetic skeletons of the CPU demos (no download; docs/demo.md explains the
# data): ten actions that differ by motion, not by pose, generated in memory.
# SyntheticSkeletonDataset gives NTU RGB+D 25-joint 3-D clips in metres,
# SyntheticPose2DDataset the same clips filmed as COCO-17 keypoints in pixels with scores.
# 320 labelled training clips (32 per class) and 500 validation clips (50 per class).
# The demo recipes are CPU-sized: 32-frame clips of the acting person only (the synthetic
# second person is absent or idle; padding it would double the cost), a 96-wide 4-block
# encoder (stated in each demo config), and the data pipeline in the main process
# (num_workers=0: it makes ~2,800 clips/s per core against ~250/s the model consumes, so a
# worker process would only compete for the cores on a shared machine).
clip_len = 32
num_person = 1

demo_train_split = dict(split='train', num_per_class=32)
demo_val_split = dict(split='val', num_per_class=50)

# 3-D views: the official feeder's crop on 32 frames; the test view is also the k-NN view
demo_train_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.5, 1.0), min_crop_len=32),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]
demo_test_pipeline = [
    dict(type='ValidCropResize', clip_len=clip_len, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]

# loader settings of every demo (leaves add their dataset): global batch 32 on any process
# count (GlobalBatchSampler; the pre-training demos step on 16), the pipeline in the main
# process, the validation clips in one pass
demo_loader = dict(num_workers=0, persistent_workers=False, pin_memory=False)
demo_train_loader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=32),
    sampler=dict(type='SeededSampler', shuffle=True),
    **demo_loader,
)
demo_val_loader = dict(
    batch_size=64, sampler=dict(type='DefaultSampler', shuffle=False), **demo_loader
)
# k-NN monitor of the pre-training demos: the 320 training clips as the bank, the 500
# validation clips to classify, every 10 epochs (200 iterations); after training it also
# scores a randomly initialised encoder, so the run ends with both accuracies side by side.
# The 2-D demo swaps the dataset type and pipeline.
demo_knn_data = dict(type='SyntheticSkeletonDataset', pipeline=demo_test_pipeline, test_mode=True)
demo_knn_monitor = dict(
    type='KNNMonitorHook',
    interval=10,
    compare_random_init=True,
    train_dataloader=dict(
        batch_size=64, num_workers=0, dataset=dict(demo_knn_data, **demo_train_split)
    ),
    val_dataloader=dict(
        batch_size=64, num_workers=0, dataset=dict(demo_knn_data, **demo_val_split)
    ),
)
