# Downstream (linear probe / fine-tune / semi-supervised) data: the official MAMP feeder.
# Train: random valid-frame crop of ratio U(0.5, 1) (at least 64 frames) resized to 120,
# random 3-axis rotation (theta 0.3). Test: single clip, centre crop 0.95 resized to 120,
# no rotation (the paper's protocol). Every top-level config sets ann_file and split.
# Evaluation: mmaction2's AccMetric (top-1, top-5, mean class accuracy).
# SafePoseDataset: PoseDataset pickles read without running code from them, every
# annotation checked before training, per-sample randomness keyed by SeededSampler
# (see README, Long runs).
dataset_type = 'SafePoseDataset'

train_pipeline = [
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]

# Global batch per optimizer step on any GPU count (GlobalBatchSampler): the linear probe's
# 512 (4 GPUs x 128 officially); fine-tune configs set 96 (4 x 24).
train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=512),
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=None, split=None, pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, ann_file=None, split=None, pipeline=test_pipeline, test_mode=True
    ),
)
test_dataloader = val_dataloader

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
