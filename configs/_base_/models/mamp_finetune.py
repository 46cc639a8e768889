# Fine-tune model (spec §5): MAMP encoder with drop path 0.3, official head
# Dropout(0.3) -> mean over time -> flatten joints x channels -> mean over persons
# -> Linear(25*256 -> 2048) -> BatchNorm1d -> ReLU -> Linear(2048 -> K); label smoothing 0.1.
# The encoder starts from a pre-training checkpoint; the dataset configs set a default
# path, override it on the command line:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
# A checkpoint of another clip length has its temporal embedding resized bicubically.
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='MAMPTransformer',
        in_channels=3,
        embed_dims=256,
        depth=8,
        num_heads=8,
        mlp_ratio=4.0,
        qkv_bias=True,
        num_frames=120,
        num_joints=25,
        temporal_patch_size=4,
        spatial_patch_size=1,
        drop_path_rate=0.3,
        init_cfg=dict(type='Pretrained', checkpoint=None, prefix='backbone.'),
    ),
    cls_head=dict(
        type='MAMPFinetuneHead',
        num_classes=60,
        in_channels=256,
        num_joints=25,
        hidden_dims=2048,
        dropout=0.3,
        label_smooth_eps=0.1,
    ),
)
