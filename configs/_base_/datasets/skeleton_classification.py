# Downstream (linear probe / fine-tune / semi-supervised) data: the official MAMP feeder
# (skeleton_pipelines.py) on PoseDataset pickles; every leaf config sets ann_file and the
# splits. Evaluation: mmaction2's AccMetric (top-1, top-5, mean class accuracy).
# Global batch per optimizer step on any GPU count (GlobalBatchSampler): the linear probe's
# 512 (4 GPUs x 128 officially); fine-tune configs set 96 (4 x 24).
_base_ = ['./skeleton_pipelines.py']

train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=512),
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(type='SafePoseDataset', ann_file=None, split=None, pipeline=_base_.train_pipeline),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SafePoseDataset',
        ann_file=None,
        split=None,
        pipeline=_base_.test_pipeline,
        test_mode=True,
    ),
)
test_dataloader = val_dataloader

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
