# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# Linear-probe recipe: SGD momentum 0.9, weight decay 0, lr 0.1, 100 epochs, no warm-up,
# cosine to 0 updated every iteration, evaluation after every epoch. Only the head trains
# (the backbone is frozen in _base_/models/mamp_linear.py). The paper steps on 512 sequences
# (4 GPUs x 128); with that global batch (GlobalBatchSampler) lr needs no scaling on any
# GPU count.
_base_ = ['./warmup_cosine_lr.py']

max_epochs = 100

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0),
)
param_scheduler = [dict(_base_.cosine_lr, begin=0, eta_min=0.0)]  # no warm-up
auto_scale_lr = dict(enable=False, base_batch_size=512)
