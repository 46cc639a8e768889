# Fine-tuning on NTU RGB+D 60 cross-subject, tested with 5 clips instead of the paper's
# single centre crop: 5 crops of 80% of the valid frames, starts spread evenly, each resized
# to 120 frames; the head averages the clips' softmax scores (average_clips='prob').
# Training is unchanged. The same test_dataloader override works on any config, e.g.
#   python tools/test.py configs/finetune/mamp_finetune_ntu60_xsub_5clip.py CHECKPOINT
_base_ = ['./mamp_finetune_ntu60_xsub.py']

test_pipeline = [
    dict(type='MultiClipCropResize', clip_len=120, num_clips=5, crop_ratio=0.8),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
