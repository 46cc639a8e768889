# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# The lr shape of every MAMP recipe, stated once: a linear warm-up from (almost) 0, then a
# half-cycle cosine to the end of training (train_cfg.max_epochs), both updated every
# iteration. Schedules use it as
#   param_scheduler = [dict(warmup_lr, end=W), dict(cosine_lr, begin=W, eta_min_ratio=r)]
# The official warm-up is lr * i / W from exactly 0; LinearLR needs start_factor > 0 and
# reaches the peak one iteration early (i / (W - 1)): measured over the NTU-60 pre-training
# the lr differs from the official one by at most 1/W of the peak during warm-up (1.6e-4 at
# W = 20 x 313 iterations) and by < 1e-13 of the peak in the cosine phase. The zoo recipes
# use LinearWarmupLR instead, which gives the official warm-up exactly.
warmup_lr = dict(
    type='LinearLR', start_factor=1e-8, begin=0, by_epoch=True, convert_to_iter_based=True
)
cosine_lr = dict(type='CosineAnnealingLR', by_epoch=True, convert_to_iter_based=True)
