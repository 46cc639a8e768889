# Linear probe on the embedded synthetic skeletons (10 classes), CPU-sized: the frozen demo
# encoder of configs/demo/mamp_pretrain_demo.py with the official pooling +
# BatchNorm1d(affine=False) + Linear head and the official SGD recipe (lr 0.1, momentum 0.9,
# cosine to 0, 100 epochs), trained to convergence on 7 labelled clips per class (70 clips:
# about the labels per class of the paper's 1 % semi-supervised protocol on NTU-60) and
# tested on the 500 validation clips the pre-training's k-NN monitor classifies (single
# centre crop 0.95, AccMetric). With all 320 training clips a converged probe reads the
# class nearly as well from a random encoder (docs/demo.md, "The linear probe").
#   python tools/train.py configs/demo/mamp_linear_demo.py
# (after the demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH, a random encoder:
#   --cfg-options model.backbone.init_cfg=None). tools/misc/demo_linear_probe.py probes both
#   encoders (the quick start's checkpoint when it exists).
# Global batch 16 on any process count (GlobalBatchSampler), so lr needs no rescaling.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_linear.py',
    '../_base_/datasets/synthetic_skeletons.py',
    '../_base_/schedules/linear_probe_sgd_100e.py',
]

model = dict(
    backbone=dict(
        _base_.demo_encoder,
        init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_demo/epoch_150.pth'),
    ),
    cls_head=dict(num_classes=10, in_channels=96),
)

# mmaction2's names: the loaders use the top-level pipelines (inference_recognizer reads
# test_pipeline)
train_pipeline = _base_.demo_train_pipeline
val_pipeline = _base_.demo_test_pipeline
test_pipeline = val_pipeline
train_dataloader = dict(
    _base_.demo_train_loader,
    batch_sampler=dict(type='GlobalBatchSampler', global_batch_size=16),
    dataset=dict(
        type='SyntheticSkeletonDataset', pipeline=train_pipeline, split='train', num_per_class=7
    ),
)
val_dataloader = dict(
    _base_.demo_val_loader,
    dataset=dict(
        type='SyntheticSkeletonDataset',
        pipeline=val_pipeline,
        test_mode=True,
        **_base_.demo_val_split,
    ),
)
test_dataloader = dict(
    val_dataloader, dataset=dict(val_dataloader['dataset'], pipeline=test_pipeline)
)
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

max_epochs = 100  # 4 iterations per epoch (64 of the 70 clips, reshuffled every epoch)
train_cfg = dict(max_epochs=max_epochs, val_interval=25)
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(logger=dict(interval=4), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
