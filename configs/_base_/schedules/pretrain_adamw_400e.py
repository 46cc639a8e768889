# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# Official pre-training schedule: 400 epochs, AdamW (0.9, 0.95), weight decay 0.05 except
# 1-D parameters and biases, lr 1e-3 for a global batch of 128 (GlobalBatchSampler keeps that
# batch on any GPU count, so lr needs no scaling), 20 warm-up epochs from 0, half-cycle
# cosine to 5e-4, updated every iteration. No AMP officially (--amp turns it on on a GPU).
_base_ = ['./warmup_cosine_lr.py']

max_epochs = 400
warmup_epochs = 20
lr = 1e-3
min_lr = 5e-4

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)

optim_wrapper = dict(
    type='OptimWrapper',
    # fused: one kernel over all parameters instead of ~10 tensor ops per parameter; the
    # same update up to float rounding (profiled: ~14 % of the CPU step was the optimizer)
    optimizer=dict(type='AdamW', lr=lr, betas=(0.9, 0.95), weight_decay=0.05, fused=True),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0),
)

param_scheduler = [
    dict(_base_.warmup_lr, end=warmup_epochs),
    dict(_base_.cosine_lr, begin=warmup_epochs, eta_min_ratio=min_lr / lr),
]

# Linear lr scaling reference, off: the global batch is fixed. If you change
# train_dataloader.batch_sampler.global_batch_size, pass --auto-scale-lr to scale lr.
auto_scale_lr = dict(enable=False, base_batch_size=128)
