"""tools/train.py and tools/test.py stop early, in one line per problem, on missing data
or a checkpoint that cannot serve the config."""

import os
import subprocess
import sys
from pathlib import Path

import torch
from mmengine.config import Config

from mmaction_mamp.utils.preflight import (
    evaluation_checkpoint_problems,
    missing_annotation_files,
    pretrained_checkpoint_problems,
)

REPO = Path(__file__).resolve().parents[1]
LINEAR_DEMO = 'configs/demo/mamp_linear_demo.py'


def run_tool(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1')
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def error_lines(proc: subprocess.CompletedProcess) -> list:
    return [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]


def test_missing_annotation_files_lists_each_path_once_with_the_doc(tmp_path):
    cfg = Config.fromfile(str(REPO / 'configs/linear/mamp_linear_ntu60_xsub.py'))
    assert missing_annotation_files(cfg) == [
        'train_dataloader: annotation file data/skeleton/ntu60_3d.pkl not found; '
        'see docs/data_preparation.md'
    ]
    present = tmp_path / 'ntu60_3d.pkl'
    present.write_bytes(b'')
    cfg.merge_from_dict({'train_dataloader.dataset.data_root': str(tmp_path)})
    cfg.train_dataloader.dataset.ann_file = 'ntu60_3d.pkl'
    assert missing_annotation_files(cfg, ['train_dataloader']) == []
    # wrapped datasets (RepeatDataset, ConcatDataset) are followed
    cfg.train_dataloader.dataset = dict(
        type='ConcatDataset',
        datasets=[dict(type='RepeatDataset', dataset=dict(ann_file=str(tmp_path / 'a.pkl')))],
    )
    assert missing_annotation_files(cfg, ['train_dataloader']) == [
        f'train_dataloader: annotation file {tmp_path / "a.pkl"} not found; '
        'see docs/data_preparation.md'
    ]


def test_train_without_data_stops_in_one_line_and_leaves_no_work_dir(tmp_path):
    work_dir = tmp_path / 'work'
    proc = run_tool(
        sys.executable,
        str(REPO / 'tools/train.py'),
        str(REPO / 'configs/mamp_pretrain_ntu60.py'),
        '--work-dir',
        str(work_dir),
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert error_lines(proc) == [
        'error: train_dataloader: annotation file data/skeleton/ntu60_3d.pkl not found; '
        'see docs/data_preparation.md'
    ]
    assert not work_dir.exists() and list(tmp_path.iterdir()) == []


def test_dist_train_without_data_stops_before_starting_processes(tmp_path):
    proc = run_tool(
        'bash', str(REPO / 'tools/dist_train.sh'), str(REPO / 'configs/mamp_pretrain_ntu60.py'),
        '8', cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2
    assert error_lines(proc) == [
        'error: train_dataloader: annotation file data/skeleton/ntu60_3d.pkl not found; '
        'see docs/data_preparation.md'
    ]
    assert list(tmp_path.iterdir()) == []


def test_test_tool_without_data_stops_in_one_line(tmp_path):
    checkpoint = tmp_path / 'linear.pth'
    torch.save(dict(state_dict={'cls_head.fc.weight': torch.zeros(60, 256)}), checkpoint)
    proc = run_tool(
        sys.executable,
        str(REPO / 'tools/test.py'),
        str(REPO / 'configs/linear/mamp_linear_ntu60_xsub.py'),
        str(checkpoint),
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert error_lines(proc) == [
        'error: test_dataloader: annotation file data/skeleton/ntu60_3d.pkl not found; '
        'see docs/data_preparation.md'
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['linear.pth']


def pretraining_checkpoint(path: Path) -> Path:
    torch.save(
        dict(
            state_dict={
                'backbone.pos_embed': torch.zeros(1, 1, 25, 8),
                'head.mask_token': torch.zeros(1, 1, 8),
            }
        ),
        path,
    )
    return path


def test_pretraining_checkpoint_is_refused_for_a_classification_test(tmp_path):
    checkpoint = pretraining_checkpoint(tmp_path / 'epoch_30.pth')
    cfg = Config.fromfile(str(REPO / LINEAR_DEMO))
    (problem,) = evaluation_checkpoint_problems(cfg, str(checkpoint))
    assert problem.startswith(
        f'{checkpoint} is a pre-training checkpoint (encoder + MAMP decoder) with no '
        'classification head (cls_head.*)'
    )
    assert f'--cfg-options model.backbone.init_cfg.checkpoint={checkpoint}' in problem

    torch.save(dict(state_dict={'backbone.pos_embed': torch.zeros(1)}), tmp_path / 'enc.pth')
    (problem,) = evaluation_checkpoint_problems(cfg, str(tmp_path / 'enc.pth'))
    assert 'is an encoder-only checkpoint with no classification head' in problem

    torch.save(dict(model={'pos_embed': torch.zeros(1)}), tmp_path / 'official.pth')
    (problem,) = evaluation_checkpoint_problems(cfg, str(tmp_path / 'official.pth'))
    assert 'is an official MAMP file; convert it first' in problem

    torch.save(dict(state_dict={'cls_head.fc.weight': torch.zeros(1)}), tmp_path / 'ok.pth')
    assert evaluation_checkpoint_problems(cfg, str(tmp_path / 'ok.pth')) == []
    assert evaluation_checkpoint_problems(cfg, str(tmp_path / 'nope.pth')) == [
        f'checkpoint {tmp_path / "nope.pth"} not found'
    ]


def test_test_tool_refuses_a_pretraining_checkpoint(tmp_path):
    checkpoint = pretraining_checkpoint(tmp_path / 'epoch_30.pth')
    proc = run_tool(
        sys.executable, 'tools/test.py', LINEAR_DEMO, str(checkpoint),
        '--work-dir', str(tmp_path / 'work'), cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 2
    (line,) = error_lines(proc)
    assert line.startswith(f'error: {checkpoint} is a pre-training checkpoint')
    assert 'Traceback' not in proc.stderr and not (tmp_path / 'work').exists()


def test_downstream_training_without_its_pretraining_checkpoint_says_what_to_do(tmp_path):
    cfg = Config.fromfile(str(REPO / 'configs/linear/mamp_linear_ntu60_xsub.py'))
    cfg.model.backbone.init_cfg.checkpoint = str(tmp_path / 'missing.pth')
    assert pretrained_checkpoint_problems(cfg) == [
        f'model.backbone.init_cfg: checkpoint {tmp_path / "missing.pth"} not found; '
        'pre-train first (docs/model_zoo.md) or pass --cfg-options '
        'model.backbone.init_cfg.checkpoint=PATH'
    ]
    cfg.model.backbone.init_cfg.checkpoint = str(pretraining_checkpoint(tmp_path / 'p.pth'))
    assert pretrained_checkpoint_problems(cfg) == []
