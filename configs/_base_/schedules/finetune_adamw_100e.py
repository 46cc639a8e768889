# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# Fine-tune recipe: AdamW (betas 0.9, 0.999), lr 5e-4, weight decay 0.05 except on 1-D
# parameters, layer-wise lr decay 0.8 (embeddings = layer 0, block i = layer i+1, final norm
# and head = layer 9; lr scale 0.8^(9 - layer)), 100 epochs: 5 warm-up epochs linear from 0,
# then half-cycle cosine to 1e-6 (times each layer's scale), updated every iteration,
# evaluation after every epoch. Drop path 0.3 and label smoothing 0.1 are in
# _base_/models/mamp_finetune.py. The paper steps on 96 sequences (4 GPUs x 24); the fine-tune
# configs set that global batch (GlobalBatchSampler), so lr needs no scaling on any GPU count.
_base_ = ['./warmup_cosine_lr.py']

base_lr = 5e-4
min_lr = 1e-6
max_epochs = 100
warmup_epochs = 5

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    constructor='LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.8),
)
# eta_min_ratio scales the floor with each layer's lr, as the official code does
param_scheduler = [
    dict(_base_.warmup_lr, end=warmup_epochs),
    dict(_base_.cosine_lr, begin=warmup_epochs, eta_min_ratio=min_lr / base_lr),
]
auto_scale_lr = dict(enable=False, base_batch_size=96)
