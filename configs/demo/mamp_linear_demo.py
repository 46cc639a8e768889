# Linear probe on the embedded synthetic skeletons (10 classes), CPU-sized: the frozen demo
# encoder of configs/demo/mamp_pretrain_demo.py with the official pooling +
# BatchNorm1d(affine=False) + Linear head and the official SGD recipe (lr 0.1, momentum 0.9,
# cosine to 0, 100 epochs), trained to convergence on 7 labelled clips per class (70 clips:
# about the labels per class of the paper's 1 % semi-supervised protocol on NTU-60) and
# tested on the 500 validation clips the pre-training's k-NN monitor classifies (single
# centre crop 0.95, AccMetric). With all 320 training clips a converged probe reads the
# class nearly as well from a random encoder (docs/demo.md, "The linear probe").
# The recipe reads in this file plus the shared runtime (../_base_/default_runtime.py) and
# the demo data (../_base_/datasets/synthetic_skeletons.py); the 2-D probe inherits it.
#   python tools/train.py configs/demo/mamp_linear_demo.py
# (after the demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH, a random encoder:
#   --cfg-options model.backbone.init_cfg=None). tools/misc/demo_linear_probe.py probes both
#   encoders (the quick start's checkpoint when it exists).
# Global batch 16 on any process count (GlobalBatchSampler), so lr needs no rescaling.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_skeletons.py']

# The frozen encoder of the demo pre-training (96 wide, 4 blocks x 4 heads, 32-frame clips,
# 4-frame x 1-joint tokens); feature = final-norm output averaged over persons, time tokens
# and joints, then BatchNorm1d(96, affine=False, eps=1e-6) + Linear(96 -> 10)
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,
        embed_dims=96,
        depth=4,
        num_heads=4,
        mlp_ratio=4.0,
        qkv_bias=True,
        num_frames=_base_.clip_len,
        num_joints=25,
        temporal_patch_size=4,
        spatial_patch_size=1,
        drop_path_rate=0.0,
        frozen=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mamp_pretrain_demo/epoch_150.pth',
            prefix='backbone.',
        ),
    ),
    cls_head=dict(type='MAMPLinearHead', num_classes=10, in_channels=96),
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

# SGD momentum 0.9, no weight decay, lr 0.1, no warm-up, cosine to 0 updated every
# iteration; only the head trains (the backbone is frozen)
max_epochs = 100  # 4 iterations per epoch (64 of the 70 clips, reshuffled every epoch)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=25)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0),
)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0.0,
        begin=0,
        by_epoch=True,
        convert_to_iter_based=True,
    )
]
# Linear lr scaling reference, off: the global batch is fixed
auto_scale_lr = dict(enable=False, base_batch_size=16)
default_hooks = dict(logger=dict(interval=4), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
