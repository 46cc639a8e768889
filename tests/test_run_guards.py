"""The guard hooks: on a foreign config through ``MAMPRunner``, and at work through
mmaction2's packaged ``tools/train.py`` / ``test.py``."""

import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope

from launch import MMACTION_TOOLS, TINY, logged_losses, run, train_command


def loads_weights_only_without_the_plugin(path) -> bool:
    """``torch.load(path, weights_only=True)`` in a fresh interpreter without the plugin."""
    code = 'import sys, torch; torch.load(sys.argv[1], weights_only=True)'
    return subprocess.run([sys.executable, '-c', code, str(path)]).returncode == 0


@pytest.mark.slow
def test_a_config_with_mmaction2s_own_hooks_gets_every_guard_from_the_runner(tmp_path):
    stock = Config.fromfile(MMACTION_TOOLS.parent / 'configs/_base_/default_runtime.py')
    foreign = tmp_path / 'foreign.py'
    foreign.write_text(
        f"_base_ = ['{TINY}']\n"
        f'default_hooks = dict(_delete_=True, **{stock.default_hooks.to_dict()!r})\n'
    )
    trained = run(train_command('mmaction2', foreign, tmp_path / 'a', 'train_cfg.max_epochs=1'))
    added = (
        "['SafeCheckpointHook', 'DivergenceGuardHook', 'PreemptionHook', 'SkeletonDataCheckHook']"
    )
    assert f'MAMPRunner added the hooks {added}' in trained.stdout
    assert loads_weights_only_without_the_plugin(tmp_path / 'a' / 'epoch_1.pth')  # portable
    diverged = run(
        train_command('mmaction2', foreign, tmp_path / 'b', 'optim_wrapper.optimizer.lr=1e6'),
        expect_rc=3,
    )
    line = diverged.stderr.splitlines()[-1]
    assert line.startswith('error: training diverged: ') and 'hold NaN or infinity' in line


@pytest.mark.slow
def test_no_checkpoint_of_diverged_weights_even_with_patience(tmp_path):
    """A real run diverges: one line with the iteration, the last finite loss and what to do;
    no checkpoint of diverged weights, whatever the patience and checkpoint rotation."""
    proc = run(
        train_command('mmaction2', TINY, tmp_path, 'optim_wrapper.optimizer.lr=1e6',
                      'default_hooks.divergence_guard.patience=100', 'train_cfg.max_epochs=1',
                      'default_hooks.checkpoint.max_keep_ckpts=1'),
        expect_rc=3,
    )  # fmt: skip
    line = proc.stderr.splitlines()[-1]  # non-finite weights stop the run whatever the patience
    assert line.startswith('error: training diverged: ') and 'hold NaN or infinity' in line
    assert ' at iteration ' in line and 'last finite loss' in line
    assert 'Lower the learning rate' in line
    assert 'no checkpoint of the diverged weights was written' in line
    assert len(logged_losses(tmp_path)) < 5 and not list(tmp_path.glob('*.pth'))


@pytest.mark.slow
def test_testing_a_classifier_with_a_headless_checkpoint_is_refused(tmp_path):
    linear = 'configs/demo/mamp_linear_demo.py'
    cfg = Config.fromfile(linear)
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmaction'):
        weights = MODELS.build(cfg.model).state_dict()
    headless = tmp_path / 'pretrained.pth'
    torch.save(dict(state_dict={k: v for k, v in weights.items() if 'cls_head' not in k}), headless)
    small = ['model.backbone.init_cfg=None', 'test_dataloader.dataset.num_per_class=2']
    test = [sys.executable, str(MMACTION_TOOLS / 'test.py'), linear, str(headless)]
    proc = run([*test, '--work-dir', str(tmp_path / 'w'), '--cfg-options', *small], expect_rc=2)
    assert proc.stderr.splitlines()[-1].startswith(
        f'error: {headless} holds no classification head (cls_head.*)'
    )
