# Pre-training data: PoseDataset pickles in the official MAMP preprocessing
# (docs/data_preparation.md); every leaf config sets ann_file and split.
# SafePoseDataset: pickles read without running code from them, every annotation checked
# before training; SeededSampler: per-sample randomness keyed by (seed, epoch, index), so a
# resumed or re-parallelised run draws the same crops, rotations and masks.
# The paper's 128 sequences per optimizer step are kept on any number of GPUs:
# GlobalBatchSampler gives each process 128 / processes (4 GPUs x 32 as in the paper,
# 8 x 16, 1 x 128), refuses a count that does not divide it and drops the last incomplete
# batch. batch_size stays None (a number there is a per-process batch, mmengine's meaning).
_base_ = ['./skeleton_pipelines.py']

train_dataloader = dict(
    batch_size=None,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=128),
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    dataset=dict(
        type='SafePoseDataset', ann_file=None, split=None, pipeline=_base_.pretrain_pipeline
    ),
)
