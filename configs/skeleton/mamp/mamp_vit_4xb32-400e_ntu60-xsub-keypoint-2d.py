# MAMP pre-training on mmaction2's 2-D NTU-60 skeletons (HRNet COCO-17 keypoints with
# scores, data/skeleton/ntu60_2d.pkl, docs/pose_2d.md), cross-subject: the 3-D recipe
# (encoder 256 x 8, decoder depth 3, mask ratio 0.9, tau 0.80, 120-frame clips, 4-frame
# tokens, 400 epochs, global batch 128, lr 1e-3) on 17 joints x (x, y): 30 x 17 = 510
# tokens per person, 50 visible (int(510 * 0.1) = int(50.99...)); the decoder predicts
# 4 x 2 = 8 motion values per token (its geometry follows the encoder).
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/models/mamp_pretrain.py',
    '../../_base_/datasets/skeleton_pretrain.py',
    '../../_base_/datasets/pose2d_pipelines.py',
    '../../_base_/schedules/pretrain_adamw_400e.py',
]

model = dict(backbone=_base_.encoder_2d)
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu60_2d.pkl',
        split='xsub_train',
        pipeline=_base_.pretrain_pipeline_2d,
    )
)
default_hooks = dict(checkpoint=dict(interval=20))
