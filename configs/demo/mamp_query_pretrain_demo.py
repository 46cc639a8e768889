# MAMP demo pre-training with the query decoder (MAMPQueryHead) instead of MAMP's
# self-attention decoder: everything else is configs/demo/mamp_pretrain_demo.py (data,
# motion-aware masking, encoder, motion target, schedule, k-NN monitor). 100 learned queries
# (one per 2 x 1 tokens of the 8 x 25 grid) cross-attend to the 20 visible tokens.
# docs/benchmark.md has its speed and k-NN / linear-probe numbers against MAMP's decoder.
#   python tools/train.py configs/demo/mamp_query_pretrain_demo.py
_base_ = ['./mamp_pretrain_demo.py']

model = dict(
    head=dict(
        _delete_=True,
        type='MAMPQueryHead',
        decoder_embed_dims=64,
        decoder_depth=1,
        decoder_num_heads=4,
        query_patch_size=(2, 1),
        motion_weight=0.5,
    )
)
