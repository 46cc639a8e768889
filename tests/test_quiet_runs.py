"""Known-harmless notices are silenced where they arise; everything else still shows."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor
from mmengine.runner import Runner

from mmaction_mamp.engine.optimizers import ParamwiseSummaryOptimWrapperConstructor

from launch import TINY

REPO = Path(__file__).resolve().parents[1]
PARAMWISE = dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _model() -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.LayerNorm(8), torch.nn.Linear(8, 2, bias=False)
    )


@pytest.mark.slow
def test_importing_the_plugin_prints_nothing_and_keeps_warning_filters():
    code = (
        'import warnings; before = list(warnings.filters); import mmaction_mamp; '
        'assert warnings.filters == before, "warning filters changed"'
    )
    proc = subprocess.run(
        [sys.executable, '-c', code],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == '' and proc.stdout == ''


def test_paramwise_options_are_logged_as_one_summary_line():
    logger = MMLogger.get_instance('quiet_paramwise')
    records = _Records()
    logger.addHandler(records)
    cfg = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))
    model = _model()
    summary = ParamwiseSummaryOptimWrapperConstructor(cfg, PARAMWISE)(model)
    default = DefaultOptimWrapperConstructor(cfg, PARAMWISE)(model)
    logger.removeHandler(records)

    # same parameter groups as mmengine's constructor
    for ours, stock in zip(summary.optimizer.param_groups, default.optimizer.param_groups):
        assert ours['weight_decay'] == stock['weight_decay'] and ours['params'] == stock['params']
    paramwise = [m for m in records.messages if m.startswith('paramwise')]
    assert paramwise == [
        "paramwise_cfg {'norm_decay_mult': 0.0, 'bias_decay_mult': 0.0, 'flat_decay_mult': 0.0}:"
        ' weight_decay=0.0 on 3 of 5 parameter tensors',
        # mmengine's own constructor, for comparison: one line per tensor
        'paramwise_options -- 0.bias:weight_decay=0.0',
        'paramwise_options -- 1.weight:weight_decay=0.0',
        'paramwise_options -- 1.bias:weight_decay=0.0',
    ]
    assert not logger.filters  # the collecting filter is removed again


@pytest.mark.slow
def test_a_run_logs_no_fileclient_notices_and_keeps_no_filter(tmp_path):
    """mmengine's CheckpointHook set-up and first save build a deprecated FileClient."""
    cfg = Config.fromfile(str(TINY))
    cfg.merge_from_dict(dict(work_dir=str(tmp_path), train_cfg=dict(max_epochs=1)))
    runner = Runner.from_cfg(cfg)
    runner.train()
    (log,) = Path(runner.log_dir).glob('*.log')
    text = log.read_text()
    assert 'Saving checkpoint at 1 epochs' in text and (tmp_path / 'epoch_1.pth').is_file()
    assert 'FileClient' not in text and 'HardDiskBackend' not in text
    assert runner.logger.filters == []
