# Fine-tuning on the embedded synthetic skeletons (10 classes), CPU-sized: the data of
# configs/demo/mamp_linear_demo.py and the encoder of configs/demo/mamp_pretrain_demo.py with
# the official fine-tune head and recipe (AdamW, weight decay 0.05 except 1-D params,
# layer-wise lr decay 0.8, drop path 0.3, dropout 0.3, label smoothing 0.1, warm-up +
# cosine) on a 20-epoch schedule at lr 1e-3. The recipe reads in this file plus the shared
# runtime (../_base_/default_runtime.py) and the demo data
# (../_base_/datasets/synthetic_skeletons.py).
#   python tools/train.py configs/demo/mamp_finetune_demo.py
# (after the demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH)
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_skeletons.py']

# The encoder of the demo pre-training (96 wide, 4 blocks x 4 heads, 32-frame clips,
# 4-frame x 1-joint tokens) with drop path 0.3, and the official head: Dropout(0.3) -> mean
# over time -> flatten joints x channels -> mean over persons -> Linear(25*96 -> 2048) ->
# BatchNorm1d -> ReLU -> Linear(2048 -> 10); label smoothing 0.1
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
        drop_path_rate=0.3,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mamp_pretrain_demo/epoch_150.pth',
            prefix='backbone.',
        ),
    ),
    cls_head=dict(
        type='MAMPFinetuneHead',
        num_classes=10,
        in_channels=96,
        num_joints=25,
        hidden_dims=2048,
        dropout=0.3,
        label_smooth_eps=0.1,
    ),
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

# AdamW (0.9, 0.999), weight decay 0.05 except on 1-D parameters, layer-wise lr decay 0.8
# (embeddings = layer 0, block i = layer i+1, final norm and head = layer 5; lr scale
# 0.8^(5 - layer)); 2 warm-up epochs, then half-cycle cosine to the official floor ratio
# (1e-6 at lr 5e-4, times each layer's scale, as the official code does), both updated
# every iteration; evaluation every 5 epochs
max_epochs = 20  # 10 iterations per epoch
warmup_epochs = 2
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    constructor='LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.8),
)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-8,
        begin=0,
        end=warmup_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
    dict(
        type='CosineAnnealingLR',
        eta_min_ratio=1e-6 / 5e-4,
        begin=warmup_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
# Linear lr scaling reference, off: the global batch is fixed
auto_scale_lr = dict(enable=False, base_batch_size=32)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
