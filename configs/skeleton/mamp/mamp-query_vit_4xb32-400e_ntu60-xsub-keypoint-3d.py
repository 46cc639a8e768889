# MAMP pre-training on NTU RGB+D 60 cross-subject with the query decoder (MAMPQueryHead):
# 125 learned queries, one per 6 x 1 tokens of the 30 x 25 grid, cross-attend to the 75
# visible tokens in 2 blocks of width 128 (no self-attention over mask tokens), with a
# motion-energy weighted loss. Masking, encoder, motion target, normalisation and schedule
# are mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py's, so the encoder it trains drops into
# every NTU-60 linear / fine-tune config (model.backbone.init_cfg.checkpoint=...).
# Not yet trained on NTU: docs/benchmark.md has its step speed and demo results.
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp-query_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py 8
_base_ = ['./mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py']

model = dict(
    head=dict(
        _delete_=True,
        type='MAMPQueryHead',
        decoder_embed_dims=128,
        decoder_depth=2,
        decoder_num_heads=4,
        query_patch_size=(6, 1),
        motion_weight=0.5,
    )
)
