# Fine-tuning on the embedded synthetic skeletons (10 classes), CPU-sized: the data of
# configs/demo/mamp_linear_demo.py and the encoder of configs/demo/mamp_pretrain_demo.py with
# the official fine-tune head and recipe (AdamW, weight decay 0.05 except 1-D params,
# layer-wise lr decay 0.8, drop path 0.3, dropout 0.3, label smoothing 0.1, warm-up +
# cosine) on a 20-epoch schedule at lr 1e-3.
#   python tools/train.py configs/demo/mamp_finetune_demo.py
# (after the demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH)
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/mamp_finetune.py',
    '../_base_/datasets/synthetic_skeletons.py',
    '../_base_/schedules/finetune_adamw_100e.py',
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
    dataset=dict(
        type='SyntheticSkeletonDataset', pipeline=train_pipeline, **_base_.demo_train_split
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

base_lr = 1e-3
max_epochs = 20  # 10 iterations per epoch
warmup_epochs = 2
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(optimizer=dict(lr=base_lr))
param_scheduler = [
    dict(_base_.warmup_lr, end=warmup_epochs),
    dict(_base_.cosine_lr, begin=warmup_epochs, eta_min_ratio=1e-6 / 5e-4),
]
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
