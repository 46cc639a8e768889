"""Refusals and guards of runs started the way users start them.

The runs of ``test_launchers.py`` split in two files so that the two test processes
(``--dist loadfile``) share them: here a missing file, a schedule shorter than its warm-up,
a pickled payload, CPU ``dist_train.sh`` / ``dist_test.sh``, each through mmaction2's
packaged launchers or ours (unlabelled pre-training data: ``test_data_checks.py``'s
skip-mode run).
"""

import re
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from launch import MMACTION_TOOLS, REPO, TINY, logged_losses, run, train_command

pytestmark = pytest.mark.slow
NO_NTU60_DATA = (
    'error: annotation file data/skeleton/ntu60_3d.pkl not found; see docs/data_preparation.md\n'
)


def test_our_dist_train_runs_on_cpu(tmp_path):
    proc = run(['bash', 'tools/dist_train.sh', str(TINY), '2', '--work-dir', str(tmp_path)],
               PORT='29560', timeout=400)  # fmt: skip
    assert 'global batch 8 (2 process(es) x 4), lr 0.001' in proc.stdout
    assert (tmp_path / 'epoch_3.pth').is_file() and not (tmp_path / 'train.lock').exists()


def test_a_config_without_its_data_stops_in_one_line(tmp_path):
    proc = run(train_command('mmaction2', 'configs/mamp_pretrain_ntu60.py', tmp_path / 'w'),
               expect_rc=2)  # fmt: skip
    assert proc.stderr == NO_NTU60_DATA
    assert not (tmp_path / 'w').exists()


def test_our_dist_train_ends_a_refusal_in_its_one_line_and_status(tmp_path):
    proc = run(['bash', 'tools/dist_train.sh', 'configs/mamp_pretrain_ntu60.py', '2',
                '--work-dir', str(tmp_path / 'w')], expect_rc=2, PORT='29590')  # fmt: skip
    assert proc.stdout + proc.stderr == NO_NTU60_DATA


def test_a_schedule_shorter_than_its_warm_up_stops_in_one_line(tmp_path):
    proc = run(train_command('mmaction2', 'configs/demo/mamp_finetune_demo.py', tmp_path,
                             'train_cfg.max_epochs=1', 'model.backbone.init_cfg=None'),
               expect_rc=2)  # fmt: skip
    assert proc.stderr.splitlines()[-1] == (
        'error: param_scheduler: end should be larger than begin, but got begin=20, end=10 '
        '(iterations); train_cfg.max_epochs=1 ends training before a scheduler begins: set it '
        "above the warm-up's epochs, or shorten the warm-up"
    )
    assert logged_losses(tmp_path) == {}


def test_missing_data_and_checkpoints_stop_test_and_downstream_runs_in_one_line(tmp_path):
    linear = (
        'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'
    )
    test = run([sys.executable, str(MMACTION_TOOLS / 'test.py'), linear, 'nowhere.pth',
                '--work-dir', str(tmp_path / 'test')], expect_rc=2)  # fmt: skip
    assert test.stderr.startswith('error: annotation file data/skeleton/ntu60_3d.pkl not found')
    ann_file = f'test_dataloader.dataset.ann_file={REPO}/configs/_base_/default_runtime.py'
    test = run([sys.executable, str(MMACTION_TOOLS / 'test.py'), linear, 'nowhere.pth',
                '--cfg-options', ann_file], expect_rc=2)  # fmt: skip
    assert test.stderr == 'error: checkpoint nowhere.pth not found\n'
    no_pretraining = 'model.backbone.init_cfg.checkpoint=x.pth'
    demo_linear = run(train_command('mmaction2', 'configs/demo/mamp_linear_demo.py',
                                    tmp_path / 'linear', no_pretraining), expect_rc=2)  # fmt: skip
    assert demo_linear.stderr.splitlines()[-1] == (
        'error: model.backbone.init_cfg.checkpoint: checkpoint x.pth not found; pre-train first '
        '(docs/model_zoo.md) or pass --cfg-options model.backbone.init_cfg.checkpoint=PATH'
    )


def test_dist_test_over_two_processes_matches_one_process(tmp_path):
    linear = 'configs/demo/mamp_linear_demo.py'
    small = [
        'model.backbone.init_cfg=None',
        'test_dataloader.dataset.num_per_class=2',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
    ]
    cfg = Config.fromfile(str(REPO / linear))
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmaction'):
        classifier = MODELS.build(cfg.model)  # a random frozen encoder and head: 20 test clips
    checkpoint = str(tmp_path / 'classifier.pth')
    torch.save(dict(state_dict=classifier.state_dict()), checkpoint)
    two = run(['bash', 'tools/dist_test.sh', linear, checkpoint, '2', '--work-dir',
               str(tmp_path / 'two'), '--cfg-options', *small], PORT='29580')  # fmt: skip
    (line,) = [x for x in (two.stdout + two.stderr).splitlines() if 'Epoch(test)' in x]
    logged = dict(re.findall(r'(acc/\w+): ([0-9.]+)', line))
    cfg.merge_from_dict({
        'test_dataloader.dataset.num_per_class': 2, 'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False, 'work_dir': str(tmp_path / 'one'),
        'experiment_name': f'one_{tmp_path.name}', 'load_from': checkpoint,
    })  # fmt: skip
    one = Runner.from_cfg(cfg).test()  # what test.py does (small), in this one process
    assert logged == {k: f'{v:.4f}' for k, v in one.items()}  # both ranks' predictions gathered
    assert 'Distributed training: True' in two.stdout + two.stderr


def test_pickled_code_in_a_resumed_checkpoint_never_runs(tmp_path):
    marker = tmp_path / 'payload_ran'
    evil = tmp_path / 'epoch_1.pth'
    torch.save(dict(meta=dict(epoch=1, iter=5), p=marker), evil)  # pathlib.Path runs on load
    proc = run(train_command('mmaction2', TINY, tmp_path / 'w') + ['--resume', str(evil)],
               expect_rc=2, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')  # fmt: skip
    assert proc.stderr.splitlines()[-1].startswith(f'error: checkpoint {evil} is refused')
    assert not marker.exists()
