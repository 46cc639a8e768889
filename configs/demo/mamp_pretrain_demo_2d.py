# MAMP pre-training on the embedded synthetic actions seen as 2-D COCO-17 keypoints with
# detector scores (SyntheticPose2DDataset: the 3-D demo actions projected to 1920 x 1080
# pixels): the recipe of configs/demo/mamp_pretrain_demo.py (96-wide 4-block encoder,
# 32-frame single-person clips, batches of 16, 3000 iterations) with the 2-D pipeline of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d.py (8 x 17 = 136 tokens per person). Like the 3-D demo it
# ends with the k-NN monitor's comparison with a randomly initialised encoder, here on the
# 2-D view of the labelled demo clips.
#   python tools/train.py configs/demo/mamp_pretrain_demo_2d.py
_base_ = ['./mamp_pretrain_demo.py', '../_base_/datasets/pose2d_pipelines.py']

model = dict(backbone=_base_.encoder_2d, head=_base_.encoder_2d)
train_pipeline = [
    *_base_.normalize_2d,
    dict(_base_.train_crop_2d, clip_len=_base_.clip_len, min_crop_len=32),
    _base_.augment_2d,
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
train_dataloader = dict(dataset=dict(type='SyntheticPose2DDataset', pipeline=train_pipeline))

knn_pipeline_2d = [
    *_base_.normalize_2d,
    dict(_base_.test_crop_2d, clip_len=_base_.clip_len),
    dict(type='FormatGCNInput', num_person=_base_.num_person),
    dict(type='PackActionInputs'),
]
# The 3-D demo's k-NN monitor (same interval, bank and val sizes), reading the 2-D clips.
knn_data_2d = dict(type='SyntheticPose2DDataset', pipeline=knn_pipeline_2d)
knn_hook = _base_.custom_hooks[0]
custom_hooks = [
    dict(
        knn_hook,
        train_dataloader=dict(
            knn_hook.train_dataloader,
            dataset=dict(knn_hook.train_dataloader.dataset, **knn_data_2d),
        ),
        val_dataloader=dict(
            knn_hook.val_dataloader, dataset=dict(knn_hook.val_dataloader.dataset, **knn_data_2d)
        ),
    ),
    *_base_.custom_hooks[1:],  # the plugin hooks
]
