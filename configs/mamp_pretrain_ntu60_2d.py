# MAMP pre-training on mmaction2's 2-D NTU-60 skeletons (HRNet COCO-17 keypoints with scores,
# data/skeleton/ntu60_2d.pkl, docs/pose_2d.md), cross-subject. The 3-D recipe of
# mamp_pretrain_ntu60_xsub.py (encoder 256 x 8, decoder depth 3, mask ratio 0.9, tau 0.80,
# 120-frame clips, 4-frame tokens, 400 epochs, effective batch 128, lr 1e-3) on 17 joints x
# (x, y): 30 x 17 = 510 tokens per person, 50 visible (the official int(510 * (1 - 0.9)) =
# int(50.99...)), and the decoder predicts 4 x 2 = 8 motion values per token. Data pipeline:
# _base_/datasets/pose2d_pipelines.py.
_base_ = ['./mamp_pretrain_ntu60_xsub.py', './_base_/datasets/pose2d_pipelines.py']

model = dict(backbone=_base_.encoder_2d, head=_base_.encoder_2d)
train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu60_2d.pkl', pipeline=_base_.pretrain_pipeline_2d)
)
