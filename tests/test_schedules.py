"""The configs' stock schedulers follow the official lr formula."""

import math

import pytest
import torch
from mmaction.registry import PARAM_SCHEDULERS
from mmengine.config import Config

MAMP = 'configs/skeleton/mamp'


def official_lr(epoch: float, lr: float, min_lr: float, warmup: int, epochs: int) -> float:
    """adjust_learning_rate of the MAE/MAMP scripts (fractional epoch)."""
    if epoch < warmup:
        return lr * epoch / warmup
    progress = (epoch - warmup) / (epochs - warmup)
    return min_lr + (lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


@pytest.mark.parametrize(
    'config,lr,min_lr,warmup,epochs',
    [
        ('configs/mamp_pretrain_ntu60.py', 1e-3, 5e-4, 20, 400),
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
    ],
)
def test_config_schedules_follow_the_official_formula(
    repo_root, config, lr, min_lr, warmup, epochs
):
    """The configs' stock schedulers, built as the runner does, per iteration."""
    cfg = Config.fromfile(str(repo_root / config))
    iters_per_epoch = 7
    params = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
    optimizer = torch.optim.SGD(
        [dict(params=[params[0]], lr=lr), dict(params=[params[1]], lr=lr / 2)], lr=lr
    )
    schedulers = [  # built as the runner builds them: `end` defaults to the last epoch
        PARAM_SCHEDULERS.build(
            dict(step, end=step.get('end', cfg.train_cfg.max_epochs)),
            default_args=dict(optimizer=optimizer, epoch_length=iters_per_epoch),
        )
        for step in cfg.param_scheduler
    ]
    warmup_iters = warmup * iters_per_epoch
    for step in range(epochs * iters_per_epoch):
        expected = official_lr(step / iters_per_epoch, lr, min_lr, warmup, epochs)
        got = optimizer.param_groups[0]['lr']
        # LinearLR starts at 1e-8 x lr and reaches the peak one iteration early
        tolerance = lr / (warmup_iters - 1) if step < warmup_iters else lr * 1e-12
        assert abs(got - expected) <= tolerance, (step, got, expected)
        # a group with its own lr (layer decay) is scaled as a whole, floor included
        assert optimizer.param_groups[1]['lr'] == pytest.approx(got / 2, rel=1e-12, abs=0)
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    assert optimizer.param_groups[0]['lr'] == pytest.approx(
        official_lr(epochs - 1 / iters_per_epoch, lr, min_lr, warmup, epochs), rel=1e-9
    )
