# Fine-tuning on NTU RGB+D 60 cross-subject, tested with 5 clips instead of the paper's
# single centre crop: 5 crops of 80% of the valid frames, starts spread evenly, each resized
# to 120 frames; the head averages the clips' softmax scores (average_clips='prob').
# Training and validation are the recipe of
# vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py (inherited).
# Global batch 96 and lr 5e-4 on any GPU count (GlobalBatchSampler, as the recipe it inherits).
_base_ = './vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py'

test_pipeline = [
    dict(type='CentreSkeleton', origin_joint=1),
    dict(type='MultiClipCropResize', clip_len=120, num_clips=5, crop_ratio=0.8),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
