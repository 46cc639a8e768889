"""The guard hooks: on a foreign config through ``MAMPRunner``, and at work through
mmaction2's packaged ``tools/train.py`` / ``test.py``."""

import math
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

from mmaction_mamp.engine.hooks import DivergenceGuardHook
from mmaction_mamp.utils.errors import TrainingDiverged

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
    proc = run(
        train_command('mmaction2', TINY, tmp_path, 'optim_wrapper.optimizer.lr=1e6',
                      'default_hooks.divergence_guard.patience=100', 'train_cfg.max_epochs=1'),
        expect_rc=3,
    )  # fmt: skip
    line = proc.stderr.splitlines()[-1]  # non-finite weights stop the run whatever the patience
    assert line.startswith('error: training diverged: ') and 'hold NaN or infinity' in line
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


def divergence_runner(grad_norm=None):
    hub = MessageHub.get_instance(f'divergence_{grad_norm}_{id(object())}')
    if grad_norm is not None:
        hub.update_scalar('train/grad_norm', grad_norm)
    return SimpleNamespace(message_hub=hub, iter=0, model=torch.nn.Linear(2, 2))


def feed(hook, runner, losses):
    for loss in losses:
        hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(loss)))
        runner.iter += 1


def test_patience_tolerates_that_many_bad_iterations_in_a_row():
    hook, runner = DivergenceGuardHook(patience=2), divergence_runner()
    feed(hook, runner, [1.0, math.nan, math.inf, 0.9, math.nan, math.nan])
    with pytest.raises(TrainingDiverged) as error:
        feed(hook, runner, [math.nan])
    assert str(error.value) == (
        'training diverged: loss nan at iteration 7 (3 in a row); last finite loss 0.9 at '
        'iteration 4. Lower the learning rate (optim_wrapper.optimizer.lr) or clip gradients '
        '(optim_wrapper.clip_grad=dict(max_norm=1.0)), then resume from the last checkpoint '
        '(no checkpoint of the diverged weights was written)'
    )


def test_a_first_bad_iteration_points_at_the_data_and_a_bad_gradient_norm_counts():
    with pytest.raises(TrainingDiverged, match='the first one checked; .* MotionAwareMasking'):
        feed(DivergenceGuardHook(), divergence_runner(), [math.nan])
    runner = divergence_runner(grad_norm=math.inf)
    with pytest.raises(TrainingDiverged, match='gradient norm inf at iteration 1'):
        feed(DivergenceGuardHook(), runner, [0.5])
