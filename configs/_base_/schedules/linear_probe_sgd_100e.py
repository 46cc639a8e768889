# Linear-probe recipe: SGD momentum 0.9, weight decay 0, lr 0.1, 100 epochs,
# no warm-up, cosine to 0 updated every iteration, evaluation after every epoch. Only the
# head trains (the backbone is frozen in _base_/models/mamp_linear.py).
#
# Batch and lr on any GPU count: the paper steps on 512 sequences (4 GPUs x 128) with
# lr 0.1. tools/train.py divides `train_global_batch_size` over the processes
# (4 x 128, 8 x 64, 1 x 512, ...), so lr stays the paper's. auto_scale_lr is DISABLED by
# default; if you change train_global_batch_size, pass --auto-scale-lr to scale lr linearly
# from 512.

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0),
)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0.0,
        begin=0,
        end=100,
        by_epoch=True,
        convert_to_iter_based=True,
    )
]
auto_scale_lr = dict(enable=False, base_batch_size=512)
