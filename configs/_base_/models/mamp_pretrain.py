# MAMP pre-training model: ViT encoder 256 x 8 on 120-frame clips,
# 4-frame x 1-joint tokens (30 x 25 = 750 per person), 8-head decoder. The masks
# (ratio, tau) come from the MotionAwareMasking step of the data pipeline.
_base_ = ['./mamp_encoder.py']

model = dict(
    type='MAMP',
    head=dict(
        type='MAMPMotionHead',
        embed_dims=256,
        decoder_embed_dims=256,
        decoder_depth=3,
        decoder_num_heads=8,
        num_frames=120,
        num_joints=25,
        temporal_patch_size=4,
        spatial_patch_size=1,
        in_channels=3,
        norm_target=True,
    ),
)
