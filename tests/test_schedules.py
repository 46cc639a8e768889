"""The configs' lr schedules are the official MAE / MAMP formula, iteration by iteration."""

import math

import pytest
import torch
from mmaction.registry import PARAM_SCHEDULERS
from mmengine.config import Config

import mmaction_mamp  # noqa: F401  (LinearWarmupLR)

MAMP = 'configs/skeleton/mamp'
ITERS_PER_EPOCH = 7


def official_lr(epoch: float, lr: float, min_lr: float, warmup: int, epochs: int) -> float:
    """``adjust_learning_rate`` of the MAE / MAMP scripts at a fractional epoch: linear
    warm-up from 0 over ``warmup`` epochs, then half-cycle cosine from ``lr`` to ``min_lr``."""
    if epoch < warmup:
        return lr * epoch / warmup
    progress = (epoch - warmup) / (epochs - warmup)
    return min_lr + (lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


def scheduled_lrs(param_scheduler: list, max_epochs: int, lr: float) -> tuple:
    """lr of two groups (the second at half the lr, as a layer-decayed group) at every
    iteration, with the schedulers built and stepped as the runner does."""
    params = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
    optimizer = torch.optim.SGD(
        [dict(params=[params[0]], lr=lr), dict(params=[params[1]], lr=lr / 2)], lr=lr
    )
    schedulers = [  # the runner's defaults: `end` is the last epoch
        PARAM_SCHEDULERS.build(
            dict(step, end=step.get('end', max_epochs)),
            default_args=dict(optimizer=optimizer, epoch_length=ITERS_PER_EPOCH),
        )
        for step in param_scheduler
    ]
    first, second = [], []
    for _ in range(max_epochs * ITERS_PER_EPOCH):
        first.append(optimizer.param_groups[0]['lr'])
        second.append(optimizer.param_groups[1]['lr'])
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    return first, second


@pytest.mark.parametrize(
    'config,lr,min_lr,warmup,epochs',
    [
        ('configs/mamp_pretrain_ntu60.py', 1e-3, 5e-4, 20, 400),
        (f'{MAMP}/mamp_vit_4xb32-400e_ntu120-xsub-keypoint-3d.py', 1e-3, 5e-4, 20, 400),
        (
            f'{MAMP}/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py',
            5e-4,
            1e-6,
            5,
            100,
        ),
        (
            f'{MAMP}/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py',
            0.1,
            0.0,
            0,
            100,
        ),
        ('configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py', 2.5e-4, 1.25e-4, 5, 100),
    ],
)
def test_config_schedules_are_the_official_formula(repo_root, config, lr, min_lr, warmup, epochs):
    cfg = Config.fromfile(str(repo_root / config))
    assert (cfg.optim_wrapper.optimizer.lr, cfg.train_cfg.max_epochs) == (lr, epochs)
    first, second = scheduled_lrs(cfg.param_scheduler, epochs, lr)
    expected = [
        official_lr(step / ITERS_PER_EPOCH, lr, min_lr, warmup, epochs)
        for step in range(epochs * ITERS_PER_EPOCH)
    ]
    # every iteration, to float rounding (an off-by-one warm-up is lr / W iterations off)
    assert first == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # the boundaries: from exactly 0; the last warm-up iteration one step below the peak;
    # the peak when the cosine starts; the floor approached at the last iteration
    end = warmup * ITERS_PER_EPOCH
    assert first[0] == (0.0 if warmup else lr)
    if warmup:
        assert first[end - 1] == pytest.approx(lr * (end - 1) / end, rel=1e-15)
        assert first[end] == lr
    assert first[-1] == pytest.approx(expected[-1], rel=1e-12) and first[-1] > min_lr
    # a group with its own lr (layer decay) is scaled as a whole, floor included
    assert second == pytest.approx([value / 2 for value in first], rel=1e-12, abs=0)


def test_stock_linear_warmup_would_fail_the_check():
    """mmengine's LinearLR peaks one iteration early: the check above catches it."""
    warmup = [
        dict(type='LinearLR', start_factor=1e-8, end=20, by_epoch=True, convert_to_iter_based=True)
    ]
    first, _ = scheduled_lrs(warmup, 20, 1e-3)
    end = 20 * ITERS_PER_EPOCH
    assert first[end - 1] == pytest.approx(1e-3, rel=1e-12)  # the peak, one iteration early
    assert first[end - 1] != pytest.approx(1e-3 * (end - 1) / end, rel=1e-12)


def test_linear_warmup_needs_its_end():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    with pytest.raises(ValueError, match='needs `end`'):
        PARAM_SCHEDULERS.build(dict(type='LinearWarmupLR', optimizer=optimizer))
