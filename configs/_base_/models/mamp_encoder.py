# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# The MAMP encoder of every protocol (pre-training, linear probe, fine-tuning), official
# sizes: 256 wide, 8 blocks x 8 heads, 120-frame clips of 25 joints cut into 4-frame x
# 1-joint tokens (30 x 25 = 750 per person). Protocols change only what differs
# (drop path, frozen, initial weights).
model = dict(
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
    )
)
