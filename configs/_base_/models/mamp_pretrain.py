# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# MAMP pre-training model: ViT encoder 256 x 8 on 120-frame clips,
# 4-frame x 1-joint tokens (30 x 25 = 750 per person), 8-head decoder. The decoder takes
# its token geometry from the encoder; the masks (ratio, tau) come from the
# MotionAwareMasking step of the data pipeline.
_base_ = ['./mamp_encoder.py']

model = dict(
    type='MAMP',
    head=dict(
        type='MAMPMotionHead',
        decoder_embed_dims=256,
        decoder_depth=3,
        decoder_num_heads=8,
        norm_target=True,
    ),
)
