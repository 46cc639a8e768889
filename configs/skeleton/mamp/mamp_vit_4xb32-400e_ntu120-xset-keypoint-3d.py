# MAMP pre-training on NTU RGB+D 120 cross-setup: the NTU-60 cross-subject recipe (mask ratio
# 0.9, 400 epochs, global batch 128 and lr 1e-3 on any GPU count) with the paper's NTU-120
# settings: decoder depth 5, tau 0.75.
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu120-xset-keypoint-3d.py 8
_base_ = './mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'

model = dict(head=dict(decoder_depth=5))
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_pipeline = [
    dict(type='CentreSkeleton', origin_joint=1),
    dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.75, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xset_train', pipeline=train_pipeline)
)
