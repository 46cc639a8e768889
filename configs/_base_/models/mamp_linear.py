# Linear probe model (spec §5): frozen MAMP encoder (D=256, 8 blocks, 8 heads, T=120, u=4),
# feature = final-norm output averaged over persons, time tokens and joints, then
# BatchNorm1d(256, affine=False, eps=1e-6) + Linear(256 -> K).
# The encoder weights come from a pre-training checkpoint (this project's, or an official one
# converted with tools/model_converters/mamp2mmaction.py); the dataset configs set a default
# path, override it on the command line:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
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
        drop_path_rate=0.0,
        frozen=True,
        init_cfg=dict(type='Pretrained', checkpoint=None, prefix='backbone.'),
    ),
    cls_head=dict(type='MAMPLinearHead', num_classes=60, in_channels=256),
)
