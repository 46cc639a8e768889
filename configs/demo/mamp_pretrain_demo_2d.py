# MAMP pre-training on the embedded synthetic actions seen as 2-D COCO-17 keypoints with
# detector scores (SyntheticPose2DDataset: the 3-D demo actions projected to 1920 x 1080
# pixels), CPU-sized like configs/demo/mamp_pretrain_demo.py, with the 2-D pipeline of
# configs/mamp_pretrain_ntu60_2d.py on 64-frame clips: 16 x 17 = 272 tokens per person.
#   python tools/train.py configs/demo/mamp_pretrain_demo_2d.py
_base_ = ['./mamp_pretrain_demo.py', '../_base_/datasets/pose2d_pipelines.py']

model = dict(backbone=_base_.encoder_2d, head=_base_.encoder_2d)
train_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.train_crop_2d, clip_len=_base_.clip_len, min_crop_len=32),
    _base_.augment_2d,
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
train_dataloader = dict(dataset=dict(type='SyntheticPose2DDataset', pipeline=train_pipeline))
