# MAMP pre-training on NTU-120 cross-subject: decoder depth 5, tau 0.75.
# Effective batch 128 / lr 1e-3 on any GPU count (train_global_batch_size).
_base_ = ['./mamp_pretrain_ntu60_xsub.py']

tau = 0.75
model = dict(head=dict(decoder_depth=5), tau=tau)
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu120_3d.pkl',
        split='xsub_train',
        pipeline=[
            dict(type='ValidCropResize', clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64),
            dict(type='RandomRot3D', theta=0.3),
            dict(type='FormatGCNInput', num_person=2),
            dict(type='MotionAwareMasking', mask_ratio=0.9, tau=tau, temporal_patch_size=4),
            dict(type='PackActionInputs', algorithm_keys=('mask',)),
        ],
    )
)
