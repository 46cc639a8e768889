# Pre-training data: mmaction2 PoseDataset pickles in the official MAMP
# preprocessing (tools/data, docs/data_preparation.md). Every top-level config
# sets ann_file and split.
# SafePoseDataset: PoseDataset pickles read without running code from them, every
# annotation checked before training, per-sample randomness keyed by SeededSampler
# (see README, Long runs).
dataset_type = 'SafePoseDataset'

train_pipeline = [
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]

# The paper's 128 sequences per optimizer step are kept on any number of GPUs:
# GlobalBatchSampler gives each process 128 / processes (4 GPUs x 32 as in the paper,
# 8 x 16, 1 x 128), refuses a count that does not divide it and drops the last
# incomplete batch. batch_size stays None (a number there is a per-process batch).
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=128),
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=None, split=None, pipeline=train_pipeline),
)
