# MAMP pre-training on NTU-120 cross-subject: decoder depth 5, tau 0.75.
# Effective batch 128 / lr 1e-3 on any GPU count (train_global_batch_size).
_base_ = ['./mamp_pretrain_ntu60_xsub.py']

tau = 0.75  # NTU-120's masking temperature; the rest of the pipeline is NTU-60's
train_pipeline = [
    {**step, 'tau': tau} if step['type'] == 'MotionAwareMasking' else step
    for step in _base_.train_pipeline
]
model = dict(head=dict(decoder_depth=5))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu120_3d.pkl', split='xsub_train', pipeline=train_pipeline
    )
)
