"""Bring your own skeletons: the custom-layout config templates and the worked example of
docs/custom_data.md (numpy clips of a 17-joint 3-D layout -> pickle -> pre-training ->
linear probe -> predictions and features), run through the command-line tools."""

from argparse import ArgumentParser
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope
from test_inference import load_tool

from launch import REPO, logged_losses, run, train_command

PRETRAIN_TEMPLATE = REPO / 'configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py'
LINEAR_TEMPLATE = (
    REPO / 'configs/custom/vit_mamp-custom-pre_linear-1xb32-100e_custom-keypoint-3d.py'
)
NUM_CLASSES = 4


# keys a resolved template may hold: mmengine's / mmaction2's run keys and mmaction2's
# pipeline names; any other top-level name would be a variable that --cfg-options cannot
# reach (it was substituted when the file was read)
RUN_KEYS = {
    'default_scope', 'custom_imports', 'runner_type', 'default_hooks', 'env_cfg',
    'log_processor', 'vis_backends', 'visualizer', 'log_level', 'load_from', 'resume',
    'randomness', 'model', 'train_dataloader', 'val_dataloader', 'test_dataloader',
    'train_cfg', 'val_cfg', 'test_cfg', 'val_evaluator', 'test_evaluator', 'optim_wrapper',
    'param_scheduler', 'auto_scale_lr', 'train_pipeline', 'val_pipeline', 'test_pipeline',
}  # fmt: skip


def template_with(template: Path, *options: str) -> Config:
    """``template`` as tools/train.py reads it with ``--cfg-options *options``."""
    cfg = Config.fromfile(str(template))
    parser = ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    cfg.merge_from_dict(parser.parse_args(['--cfg-options', *options]).cfg_options)
    return cfg


@pytest.mark.parametrize('template', [PRETRAIN_TEMPLATE, LINEAR_TEMPLATE])
def test_templates_hold_no_variable_that_cfg_options_would_miss(template):
    assert set(Config.fromfile(str(template))) <= RUN_KEYS


def test_documented_overrides_reach_the_model_and_the_data():
    """``--cfg-options model.cls_head.num_classes=3 ...`` (docs/custom_data.md)."""
    cfg = template_with(
        LINEAR_TEMPLATE,
        'model.cls_head.num_classes=3',
        'model.backbone.init_cfg.checkpoint=my_pretrain/epoch_10.pth',
        'model.backbone.num_joints=25',
        'train_dataloader.dataset.ann_file=my.pkl',
        'train_dataloader.dataset.pipeline.0.origin_joint=1',
    )
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(cfg.model)
    assert model.cls_head.fc.out_features == 3
    assert model.backbone.init_cfg['checkpoint'] == 'my_pretrain/epoch_10.pth'
    assert model.backbone.pos_embed.shape[2] == 25  # (1, 1, V, D)
    dataset = cfg.train_dataloader.dataset
    assert dataset.ann_file == 'my.pkl' and dataset.pipeline[0].origin_joint == 1


@pytest.mark.parametrize('template', [PRETRAIN_TEMPLATE, LINEAR_TEMPLATE])
def test_templates_start_two_workers(template):
    """Persistent workers beyond the cores of a small machine only compete for them."""
    cfg = Config.fromfile(str(template))
    for loader in ('train_dataloader', 'val_dataloader'):
        if loader in cfg:
            assert cfg[loader].num_workers == 2


def structured_clips(num_per_class: int = 10, num_joints: int = 17, seed: int = 0):
    """Clips of a 17-joint 3-D layout: one rest pose, each class moving its own joints at
    its own frequency, a random position in the room and length, a little noise.

    Yields:
        (name, label, keypoint (T, V, 3) float32).
    """
    rng = np.random.default_rng(seed)
    rest_pose = rng.normal(scale=0.3, size=(num_joints, 3))
    movers = [rng.choice(num_joints, size=4, replace=False) for _ in range(NUM_CLASSES)]
    for label in range(NUM_CLASSES):
        for index in range(num_per_class):
            frames = int(rng.integers(40, 80))
            time = np.arange(frames)[:, None] / 30.0
            clip = np.repeat(rest_pose[None], frames, axis=0) + rng.normal(scale=2.0, size=3)
            swing = 0.3 * np.sin(2 * np.pi * (label + 1) * time + rng.uniform(0, 2 * np.pi))
            clip[:, movers[label], label % 3] += swing
            clip += rng.normal(scale=0.01, size=clip.shape)
            yield f'clip_c{label}_{index:02d}', label, clip.astype(np.float32)


def write_clip_folder(folder: Path) -> Path:
    """40 ``.npy`` clips and ``labels.txt``; returns the labels file."""
    folder.mkdir()
    lines = []
    for name, label, clip in structured_clips():
        np.save(folder / f'{name}.npy', clip)
        lines.append(f'{name} {label}\n')
    labels = folder.parent / 'labels.txt'
    labels.write_text(''.join(lines))
    return labels


NO_WORKERS = [
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'default_hooks.logger.interval=1',
]


def small_run(ann_file: Path, clip_len: int = 16) -> list:
    """``--cfg-options`` of a CPU-sized run on ``ann_file`` (docs/custom_data.md's keys)."""
    return [
        f'train_dataloader.dataset.ann_file={ann_file}',
        'model.backbone.embed_dims=32',
        'model.backbone.depth=1',
        'model.backbone.num_heads=2',
        f'model.backbone.num_frames={clip_len}',
        f'train_dataloader.dataset.pipeline.1.clip_len={clip_len}',
        f'test_pipeline.1.clip_len={clip_len}',
        'train_dataloader.batch_sampler.global_batch_size=8',
        *NO_WORKERS,
    ]


@pytest.mark.slow
def test_worked_example_from_numpy_clips_to_predictions(tmp_path, capsys):
    clips = tmp_path / 'clips'
    labels = write_clip_folder(clips)
    ann_file = tmp_path / 'my_skeletons.pkl'
    argv = [str(clips), '--labels', str(labels), '--out', str(ann_file)]
    assert load_tool('tools/data/numpy_to_mmaction.py').main(argv) == 0
    assert 'written: 40 samples\n  train: 32\n  val: 8' in capsys.readouterr().out

    pretrain_dir = tmp_path / 'pretrain'
    run(train_command(
        'ours',
        PRETRAIN_TEMPLATE,
        pretrain_dir,
        *small_run(ann_file),
        'model.head.decoder_depth=1',
        'model.head.decoder_num_heads=2',
        'model.head.decoder_embed_dims=32',
        'train_cfg.max_epochs=2',
        'param_scheduler.0.end=1',
        'param_scheduler.1.begin=1',
        'default_hooks.checkpoint.interval=2',
    ))  # fmt: skip
    losses = list(logged_losses(pretrain_dir).values())
    assert len(losses) == 2 * 4 and all(np.isfinite(losses))  # 32 clips / batch 8, 2 epochs
    pretrained = pretrain_dir / 'epoch_2.pth'

    probe_dir = tmp_path / 'probe'
    proc = run(train_command(
        'ours',
        LINEAR_TEMPLATE,
        probe_dir,
        *small_run(ann_file),
        f'model.backbone.init_cfg.checkpoint={pretrained}',
        f'model.cls_head.num_classes={NUM_CLASSES}',
        'model.cls_head.in_channels=32',
        'train_cfg.max_epochs=1',
        f'val_dataloader.dataset.ann_file={ann_file}',
        'val_dataloader.dataset.pipeline.1.clip_len=16',
        f'test_dataloader.dataset.ann_file={ann_file}',
        'test_dataloader.dataset.pipeline.1.clip_len=16',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
    ))  # fmt: skip
    assert f'load backbone. in model from: {pretrained}' in proc.stdout + proc.stderr
    probe = probe_dir / 'epoch_1.pth'
    encoder_keys = ('backbone.blocks.0.attn.qkv.weight', 'backbone.temp_embed')
    pretrained_state = torch.load(pretrained, weights_only=True)['state_dict']
    probe_state = torch.load(probe, weights_only=True)['state_dict']
    for key in encoder_keys:  # the frozen encoder is the pre-trained one
        assert torch.equal(probe_state[key], pretrained_state[key])
    assert probe_state['cls_head.fc.weight'].shape == (NUM_CLASSES, 32)

    # predictions and features: the same tools, in this process, with the configs the runs
    # saved in their work dirs (the command-line overrides included)
    probe_cfg = probe_dir / LINEAR_TEMPLATE.name
    clip = str(clips / 'clip_c2_03.npy')
    assert load_tool('tools/infer.py').main([str(probe_cfg), str(probe), clip, '--top-k', '3']) == 0
    rows = [line.split('\t') for line in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 3 and {name for name, _ in rows} <= {'0', '1', '2', '3'}
    scores = [float(score) for _, score in rows]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0001

    features = tmp_path / 'features.npz'
    pretrain_cfg = pretrain_dir / PRETRAIN_TEMPLATE.name
    argv = [str(pretrain_cfg), str(pretrained), '--split', 'train', '--out', str(features)]
    argv += ['--num-workers', '0']
    assert load_tool('tools/analysis_tools/extract_features.py').main(argv) == 0
    with np.load(features) as saved:
        assert saved['features'].shape == (32, 32) and np.isfinite(saved['features']).all()
        assert sorted(set(saved['labels'].tolist())) == list(range(NUM_CLASSES))
        assert all(name.startswith('clip_c') for name in saved['names'])


@pytest.mark.slow
def test_the_two_custom_data_traps_stop_in_one_line_through_mmaction2(tmp_path, capsys):
    """A model built for another joint count, and fewer clips than one global batch."""
    clips = tmp_path / 'clips'
    labels = write_clip_folder(clips)  # 17 joints
    ann_file = tmp_path / 'my_skeletons.pkl'
    argv = [str(clips), '--labels', str(labels), '--out', str(ann_file)]
    assert load_tool('tools/data/numpy_to_mmaction.py').main(argv) == 0
    wrong_joints = [*small_run(ann_file), 'model.backbone.num_joints=25']
    command = train_command('mmaction2', PRETRAIN_TEMPLATE, tmp_path / 'a', *wrong_joints)
    proc = run(command, expect_rc=2)
    assert proc.stderr.splitlines()[-1] == (
        f"error: train_dataloader: {ann_file} (split 'train'): the clips have 17 joints, the "
        'model expects 25 (model.backbone.num_joints): state the joint layout once in the '
        'config and let every part use it (docs/custom_data.md)'
    )
    too_few = [*small_run(ann_file), 'train_dataloader.batch_sampler.global_batch_size=128']
    proc = run(train_command('mmaction2', PRETRAIN_TEMPLATE, tmp_path / 'b', *too_few), expect_rc=2)
    assert proc.stderr.splitlines()[-1] == (
        'error: train_dataloader: the dataset holds 32 samples, fewer than one global batch of '
        '128 (1 process(es) x 128); lower train_dataloader.batch_sampler.global_batch_size (and '
        'lr with it) or add data'
    )
