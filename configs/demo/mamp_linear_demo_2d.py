# Linear probe on the embedded synthetic actions as 2-D COCO-17 keypoints (10 classes),
# CPU-sized: the frozen encoder of configs/demo/mamp_pretrain_demo_2d.py with the head of
# configs/demo/mamp_linear_demo.py and the 2-D pipelines on 32-frame clips, trained on all 320
# training clips for 20 epochs (SGD lr 0.1, cosine): the 3-D probe's earlier recipe, whose
# margin over a random encoder is mostly that encoder's probe not having converged
# (docs/demo.md, "The linear probe").
#   python tools/train.py configs/demo/mamp_linear_demo_2d.py
# (after the 2-D demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH, a random encoder:
#   --cfg-options model.backbone.init_cfg=None).
#   python tools/misc/demo_linear_probe.py --pose-2d   probes both encoders.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_linear.py',
    '../_base_/datasets/synthetic_skeletons.py',
    '../_base_/datasets/pose2d_pipelines.py',
    '../_base_/schedules/linear_probe_sgd_100e.py',
]

model = dict(
    backbone=dict(
        _base_.demo_encoder,
        **_base_.encoder_2d,
        init_cfg=dict(checkpoint='work_dirs/mamp_pretrain_demo_2d/epoch_200.pth'),
    ),
    cls_head=dict(num_classes=10, in_channels=96),
)

# No horizontal flip: it would turn a right-arm action into a left-arm one under the same
# label (the demo classes tell left from right); rotation and scale stay.
train_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.train_crop_2d, clip_len=_base_.clip_len, min_crop_len=32),
    dict(_base_.augment_2d, flip_ratio=0.0),
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.test_crop_2d, clip_len=_base_.clip_len),
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline
train_dataloader = dict(
    _base_.demo_train_loader,
    dataset=dict(type='SyntheticPose2DDataset', pipeline=train_pipeline, **_base_.demo_train_split),
)
val_dataloader = dict(
    _base_.demo_val_loader,
    dataset=dict(
        type='SyntheticPose2DDataset',
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

max_epochs = 20  # 10 iterations per epoch
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
