"""The guard hooks of the runtime, in-process through mmengine's own ``Runner.from_cfg``."""

import math
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.runner import Runner

from mmaction_mamp.engine.hooks import DivergenceGuardHook, SafeCheckpointHook
from mmaction_mamp.engine.runner import GUARD_HOOKS, with_guard_hooks
from mmaction_mamp.utils.errors import CheckpointError, TrainingDiverged

from launch import MMACTION_TOOLS, TINY, logged_losses

GUARD_TYPES = set(GUARD_HOOKS.values())


def tiny_runner(work_dir: Path, **overrides) -> Runner:
    """The tiny pre-training config built by mmengine's stock ``Runner.from_cfg``."""
    cfg = Config.fromfile(str(TINY))
    cfg.merge_from_dict(overrides)
    cfg.work_dir = str(work_dir)
    # unique per test: mmengine keeps one logger and visualizer per experiment name
    cfg.experiment_name = f'{work_dir.parent.name}_{work_dir.name}'
    return Runner.from_cfg(cfg)


def hook_types(runner: Runner) -> set:
    return {type(hook).__name__ for hook in runner.hooks}


def test_a_user_config_that_replaces_custom_hooks_keeps_every_guard(tmp_path):
    runner = tiny_runner(tmp_path / 'run', custom_hooks=[dict(type='EMAHook')])
    assert GUARD_TYPES | {'EMAHook'} <= hook_types(runner)


def test_foreign_configs_get_the_guards_from_the_runner():
    cfg = Config.fromfile(MMACTION_TOOLS.parent / 'configs/_base_/default_runtime.py')
    assert with_guard_hooks(cfg) == list(GUARD_HOOKS.values())  # CheckpointHook upgraded
    assert cfg.default_hooks.checkpoint == dict(
        type='SafeCheckpointHook', interval=1, save_best='auto'
    )
    assert with_guard_hooks(cfg) == []


@pytest.mark.slow
def test_no_checkpoint_of_diverged_weights_and_the_good_one_is_kept(tmp_path):
    runner = tiny_runner(
        tmp_path / 'run',
        default_hooks=dict(checkpoint=dict(max_keep_ckpts=1)),
        train_cfg=dict(max_epochs=1),
    )
    runner.train()
    assert sorted(p.name for p in Path(runner.work_dir).glob('*.pth')) == ['epoch_1.pth']
    with torch.no_grad():
        runner.model.backbone.norm.weight[0] = math.nan
    checkpoint_hook = next(h for h in runner.hooks if type(h).__name__ == 'SafeCheckpointHook')
    with pytest.raises(
        TrainingDiverged,
        match=r'not saving epoch_2.pth: 1 weight tensor\(s\) '
        'hold NaN or infinity \\(first: backbone.norm.weight\\)',
    ):
        checkpoint_hook._save_checkpoint_with_step(runner, 2, dict(epoch=2, iter=10))
    assert sorted(p.name for p in Path(runner.work_dir).glob('*.pth')) == ['epoch_1.pth']
    saved = torch.load(Path(runner.work_dir) / 'epoch_1.pth', weights_only=True)
    assert all(torch.isfinite(t).all() for t in saved['state_dict'].values())
    assert len(logged_losses(runner.work_dir)) == 5


def divergence_runner(losses: list, grad_norm=None):
    hub = MessageHub.get_instance(f'divergence_{id(losses)}')
    if grad_norm is not None:
        hub.update_scalar('train/grad_norm', grad_norm)
    return SimpleNamespace(message_hub=hub, iter=0)


def feed(hook, runner, losses):
    for loss in losses:
        hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(loss)))
        runner.iter += 1


def test_patience_tolerates_that_many_bad_iterations_in_a_row():
    hook, runner = DivergenceGuardHook(patience=2), divergence_runner([])
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
        feed(DivergenceGuardHook(), divergence_runner([]), [math.nan])
    runner = divergence_runner([], grad_norm=math.inf)
    with pytest.raises(TrainingDiverged, match='gradient norm inf at iteration 1'):
        feed(DivergenceGuardHook(), runner, [0.5])


def test_testing_a_classifier_with_a_headless_checkpoint_is_refused():
    hook = SafeCheckpointHook()
    hook.after_load_checkpoint(None, dict(state_dict={'backbone.w': torch.ones(1)}))
    runner = SimpleNamespace(model=SimpleNamespace(cls_head=object()), _load_from='pre.pth')
    with pytest.raises(CheckpointError, match='pre.pth holds no classification head'):
        hook.before_test(runner)
    hook.after_load_checkpoint(None, dict(state_dict={'cls_head.fc.weight': torch.ones(1)}))
    hook.before_test(runner)
