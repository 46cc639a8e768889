# Fine-tuning on the embedded synthetic skeletons (10 classes), CPU-sized: the data of
# configs/demo/mamp_linear_demo.py and the encoder of configs/demo/mamp_pretrain_demo.py
# (96 wide, 4 blocks, 32-frame clips) with the official fine-tune head and recipe (AdamW,
# weight decay 0.05 except 1-D params, layer-wise lr decay 0.8, drop path 0.3, dropout 0.3,
# label smoothing 0.1, warm-up + cosine) on a short schedule.
#   python tools/train.py configs/demo/mamp_finetune_demo.py
# (after the demo pre-training; another checkpoint:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH)
_base_ = ['./mamp_linear_demo.py']

clip_len = 32
max_epochs = 20
base_lr = 1e-3
model = dict(
    _delete_=True,
    type='RecognizerGCN',
    backbone=dict(
        type='MAMPTransformer',
        embed_dims=96,
        depth=4,
        num_heads=4,
        num_frames=clip_len,
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

optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    constructor='LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.8),
)
warmup_epochs = 2
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
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True,
    ),
]
