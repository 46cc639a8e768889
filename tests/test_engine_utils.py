"""Schedule, global batch splitting and weights-only checkpoint loading."""

import math
import os
import pickle

import numpy as np
import pytest
import torch
from mmaction.registry import PARAM_SCHEDULERS
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.optim.scheduler import _ParamScheduler

from mmaction_mamp.utils import apply_global_batch_size


def official_lr(epoch: float, lr: float, min_lr: float, warmup: int, epochs: int) -> float:
    """adjust_learning_rate of the MAE/MAMP scripts (fractional epoch)."""
    if epoch < warmup:
        return lr * epoch / warmup
    progress = (epoch - warmup) / (epochs - warmup)
    return min_lr + (lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


def test_warmup_cosine_follows_official_formula_per_iteration():
    params = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
    optimizer = torch.optim.SGD(
        [dict(params=[params[0]], lr=1e-3), dict(params=[params[1]], lr=0.5e-3)], lr=1e-3
    )
    epochs, warmup, iters_per_epoch = 10, 2, 7
    scheduler = PARAM_SCHEDULERS.get('WarmupCosineLR').build_iter_from_epoch(
        optimizer,
        warmup_length=warmup,
        eta_min_ratio=0.5,
        begin=0,
        end=epochs,
        epoch_length=iters_per_epoch,
    )
    assert isinstance(scheduler, _ParamScheduler)
    for step in range(epochs * iters_per_epoch):
        epoch = step / iters_per_epoch
        expected = official_lr(epoch, 1e-3, 5e-4, warmup, epochs)
        assert optimizer.param_groups[0]['lr'] == pytest.approx(expected, rel=1e-9, abs=1e-15)
        # a group with its own lr (layer decay) is scaled as a whole, as officially
        assert optimizer.param_groups[1]['lr'] == pytest.approx(expected / 2, abs=1e-15)
        optimizer.step()
        scheduler.step()
    # the last iteration ends just above the floor
    assert 5e-4 < optimizer.param_groups[0]['lr'] < 5.01e-4


def test_warmup_cosine_needs_finite_end():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match='finite `end`'):
        PARAM_SCHEDULERS.get('WarmupCosineLR')(optimizer, warmup_length=1)


@pytest.mark.parametrize('world_size,per_gpu', [(1, 128), (2, 64), (4, 32), (8, 16)])
def test_global_batch_is_kept_on_any_gpu_count(world_size, per_gpu, repo_root):
    cfg = Config.fromfile(str(repo_root / 'configs' / 'mamp_pretrain_ntu60.py'))
    apply_global_batch_size(cfg, world_size)
    assert cfg.train_dataloader.batch_size == per_gpu
    assert cfg.train_dataloader.batch_size * world_size == 128
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    assert cfg.auto_scale_lr.enable is False


def test_global_batch_refuses_uneven_split(repo_root):
    cfg = Config.fromfile(str(repo_root / 'configs' / 'mamp_pretrain_ntu60.py'))
    with pytest.raises(ValueError, match='cannot be split evenly over 3 processes'):
        apply_global_batch_size(cfg, 3)


def test_message_hub_checkpoint_loads_weights_only(tmp_path):
    hub = MessageHub.get_instance('test_ckpt_safety')
    for value in (1.0, 2.5, 4.0):
        hub.update_scalar('train/loss', value)
    hub.update_info('iter', np.int64(7))
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(message_hub=hub.state_dict(), state_dict={'w': torch.ones(2)}), path)
    loaded = torch.load(path, weights_only=True)
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(2.5) and buffer.max() == 4.0
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))


class _Exploit:
    def __reduce__(self):
        return os.system, ('echo pwned',)


def test_untrusted_pickles_are_still_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(payload=_Exploit()), path)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        torch.load(path, weights_only=True)
