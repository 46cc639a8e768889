"""Checkpoint guarantees in runs started with mmaction2's packaged ``tools/train.py``.

Each test reproduces what a user does (issue 23): resume into a longer schedule, mistype a
hook argument, a save killed mid-write, a damaged ``last_checkpoint``, NaN weights, test a
checkpoint under a config whose head differs.
"""

import json
import math
import os
import signal
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmaction_mamp.utils.errors import TrainingDiverged

from launch import MMACTION_TOOLS, TINY, logged_losses, run, train_command, train_in_process

pytestmark = pytest.mark.slow
# mmaction2's ST-GCN recipe schedule (SGD lr 0.1, cosine whose end is train_cfg.max_epochs)
# on the tiny MAMP run; 1 epoch.
STGCN_SCHEDULE = f"""_base_ = ['{TINY}']
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(
    type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0005, nesterov=True))
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=0, T_max=16, by_epoch=True,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=1)
"""


def logged(work_dir: Path, key: str) -> dict:
    """Iteration -> ``key`` from every ``vis_data/scalars.json`` of a work dir."""
    values = {}
    for path in sorted(work_dir.glob('*/vis_data/scalars.json')):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if key in record:
                values[record['step']] = record[key]
    return values


def test_resuming_into_a_longer_schedule_follows_the_new_schedule(tmp_path):
    """Issue 23.1: 1 epoch (in this process), then --resume with train_cfg.max_epochs=2
    through mmaction2's train.py (was: lr frozen)."""
    config = tmp_path / 'stgcn_schedule.py'
    config.write_text(STGCN_SCHEDULE)
    train_in_process(config, tmp_path / 'w')
    resumed = run(
        train_command('mmaction2', config, tmp_path / 'w', 'train_cfg.max_epochs=2') + ['--resume']
    )
    assert "the config's param_scheduler differs from the checkpoint's" in resumed.stdout
    # what a fresh 2-epoch run logs: cosine over T_max = 16 epochs x 5 iterations from 0.1
    fresh = {i: 0.05 * (1 + math.cos(math.pi * (i - 1) / 80)) for i in range(1, 11)}
    assert logged(tmp_path / 'w', 'lr') == pytest.approx(fresh, rel=1e-6)  # was 9.9384e-2 at 6-10


def test_a_hook_argument_typo_stops_the_run_before_iteration_1(tmp_path):
    """Issue 23.5: ``max_keep_ckpt=1`` (no s) trained a whole interval, then TypeError."""
    proc = run(
        train_command('mmaction2', TINY, tmp_path, 'default_hooks.checkpoint.max_keep_ckpt=1'),
        expect_rc=2,
    )
    assert proc.stderr.splitlines()[-1] == (
        'error: SafeCheckpointHook has no argument max_keep_ckpt (did you mean '
        'max_keep_ckpts?); its arguments: backend_args, by_epoch, file_client_args, '
        'filename_tmpl, greater_keys, interval, less_keys, max_keep_ckpts, out_dir, '
        'published_keys, rule, save_begin, save_best, save_last, save_optimizer, '
        'save_param_scheduler'
    )
    assert 'Epoch(train)' not in proc.stdout and not list(tmp_path.glob('*.pth'))


def test_a_save_killed_mid_write_and_a_binary_last_checkpoint_are_survived(tmp_path):
    """Atomic saves with rotation; issue 23.8 (stale .tmp) and 23.3 (binary last_checkpoint).

    mmaction2's train.py runs 3 epochs with ``max_keep_ckpts=1`` (kept: 2) and is SIGKILLed
    while writing epoch_3.pth, after mmengine rotated epoch_1.pth out: epoch_2.pth is whole.
    Then ``head -c 200 /dev/urandom > W/last_checkpoint``: ``--resume`` still continues from
    epoch_2.pth and removes the killed save's temporary file.
    """
    train_py = MMACTION_TOOLS / 'train.py'
    killed_at_rename = (
        'import os, runpy, signal, sys\n'
        'replace = os.replace\n'
        'os.replace = lambda s, d: os.kill(os.getpid(), signal.SIGKILL) '
        "if str(d).endswith('epoch_3.pth') else replace(s, d)\n"
        f'sys.argv = sys.argv[1:]\nrunpy.run_path({str(train_py)!r}, run_name="__main__")\n'
    )
    work_dir = tmp_path / 'w'
    command = train_command(
        'mmaction2', TINY, work_dir, 'default_hooks.checkpoint.max_keep_ckpts=1'
    )
    proc = run([sys.executable, '-c', killed_at_rename, *command[1:]], expect_rc=-9)
    assert 'max_keep_ckpts=1 keeps 2 checkpoints' in proc.stdout
    (stale,) = work_dir.glob('.epoch_3.pth.*.tmp')
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['epoch_2.pth']
    (work_dir / 'last_checkpoint').write_bytes(os.urandom(200))
    resumed = run(command + ['--resume'])
    assert f'{work_dir}/last_checkpoint holds no path (binary content)' in resumed.stdout
    assert f'Resume: using {work_dir}/epoch_2.pth' in resumed.stdout
    assert f'removed {stale}, left by a save that was killed' in resumed.stdout
    assert 'resumed epoch: 2, iter: 10' in resumed.stdout and not stale.exists()
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['epoch_2.pth', 'epoch_3.pth']
    assert sorted(logged_losses(work_dir)) == list(range(1, 16))


def test_nan_weights_stop_the_run_before_any_save_or_rotation(tmp_path):
    """The divergence guard runs before the checkpoint and pre-emption hooks save."""
    cfg = Config.fromfile(str(TINY))
    cfg.merge_from_dict(
        dict(
            work_dir=str(tmp_path),
            experiment_name=f'nan_{tmp_path.name}',
            train_cfg=dict(max_epochs=1),
            default_hooks=dict(checkpoint=dict(by_epoch=False, interval=1, max_keep_ckpts=2)),
        )
    )
    runner = Runner.from_cfg(cfg)
    runner.train()
    kept = sorted(p.name for p in tmp_path.glob('*.pth'))
    assert kept == ['iter_4.pth', 'iter_5.pth']
    with torch.no_grad():
        runner.model.backbone.norm.weight[0] = math.nan
    preemption = next(h for h in runner.hooks if type(h).__name__ == 'PreemptionHook')
    preemption.before_train(runner)
    try:
        os.kill(os.getpid(), signal.SIGTERM)  # a pre-emption notice: this iteration would save
        with pytest.raises(
            TrainingDiverged,
            match=r'1 weight tensor\(s\) hold NaN or infinity '
            r'\(first: backbone.norm.weight\) at iteration 6; last finite',
        ):
            runner.call_hook(
                'after_train_iter',
                batch_idx=5,
                data_batch=None,
                outputs=dict(loss=torch.tensor(0.5)),
            )
    finally:
        preemption.after_train(runner)
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == kept


def test_testing_a_checkpoint_whose_head_differs_from_the_config_is_refused(tmp_path):
    """Issue 23.6: trained with ``model.cls_head.num_classes=4``, tested with the 10-class
    config by mmaction2's test.py: was ``size mismatch`` logged, a random head scored, exit 0;
    now one error naming the keys, both shapes and the config the run saved, which works.
    The training only provides the checkpoint and the saved config: it runs in this process."""
    classes = ['raise_right_arm', 'lower_right_arm', 'raise_left_arm', 'lower_left_arm']
    loaders = {
        f'{loader}_dataloader.dataset': dict(
            classes=classes, num_per_class=8 if loader == 'train' else 2
        )
        for loader in ('train', 'val', 'test')
    }  # one global batch of 32 training clips
    linear, work_dir = 'configs/demo/mamp_linear_demo.py', tmp_path / 'probe'
    train_in_process(linear, work_dir, **{
        'model.backbone.init_cfg': None, 'model.cls_head.num_classes': 4,
        'train_cfg.max_epochs': 1, **loaders,
    })  # fmt: skip
    test = [sys.executable, str(MMACTION_TOOLS / 'test.py')]
    checkpoint = work_dir / 'epoch_1.pth'
    options = ['--cfg-options', 'model.backbone.init_cfg=None'] + [
        f'test_dataloader.dataset.{key}={value}'
        for key, value in loaders['test_dataloader.dataset'].items()
    ]
    proc = run(test + [linear, str(checkpoint), '--work-dir', str(tmp_path / 't')] + options,
               expect_rc=2)  # fmt: skip
    assert proc.stderr.splitlines()[-1] == (
        f'error: {checkpoint} does not fit the model built from the config: cls_head.fc.weight '
        'is (4, 96) in the checkpoint, (10, 96) in the model; cls_head.fc.bias is (4,) in the '
        'checkpoint, (10,) in the model. Trained with other settings (e.g. --cfg-options)? Use '
        f'the config the run saved in its work dir: {work_dir / "mamp_linear_demo.py"}'
    )
    assert 'Epoch(test)' not in proc.stdout + proc.stderr
    saved = run(test + [str(work_dir / 'mamp_linear_demo.py'), str(checkpoint), '--work-dir',
                        str(tmp_path / 't2')])  # fmt: skip
    assert 'Epoch(test) [1/1]    acc/top1:' in saved.stdout + saved.stderr
