"""Bring your own skeletons: the custom-layout config templates and the worked example of
docs/custom_data.md (numpy clips of a 17-joint 3-D layout -> pickle -> pre-training ->
linear probe -> predictions and features), run through the command-line tools."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from test_inference import load_tool

from launch import REPO, logged_losses, run, train_command

PRETRAIN_TEMPLATE = REPO / 'configs/custom/mamp_vit_1xb32-100e_custom-keypoint-3d.py'
LINEAR_TEMPLATE = (
    REPO / 'configs/custom/vit_mamp-custom-pre_linear-1xb32-100e_custom-keypoint-3d.py'
)
NUM_CLASSES = 4


def user_config(template: Path, folder: Path, **values) -> Path:
    """A user's copy of ``template`` with the ``name = value`` lines of ``values`` edited.

    Base configs are made absolute so that the copy can live outside the repository.
    """
    text = template.read_text().replace("'../_base_/", f"'{REPO / 'configs/_base_'}/")
    for name, value in values.items():
        text, count = re.subn(rf'^{name} = .*$', f'{name} = {value!r}', text, flags=re.M)
        assert count == 1, f'{name} is not stated exactly once at the top of {template.name}'
    path = folder / template.name
    path.write_text(text)
    return path


def pipeline_steps(pipeline: list, kind: str) -> list:
    return [step for step in pipeline if step['type'] == kind]


@pytest.mark.parametrize('template', [PRETRAIN_TEMPLATE, LINEAR_TEMPLATE])
def test_every_part_follows_the_layout_block(tmp_path, template):
    layout = dict(num_joints=25, num_coords=2, num_person=2, clip_len=64, origin_joint=1)
    cfg = Config.fromfile(str(user_config(template, tmp_path, **layout)))

    backbone = cfg.model.backbone
    assert (backbone.num_joints, backbone.in_channels, backbone.num_frames) == (25, 2, 64)
    if 'head' in cfg.model:  # the MAMP decoder predicts the motion of the same layout
        small = dict(cfg.model, backbone=dict(backbone, embed_dims=16, depth=1, num_heads=2))
        with DefaultScope.overwrite_default_scope('mmaction'):
            head = MODELS.build(small).head
        assert head.decoder_temp_embed.shape[1] == 64 // backbone.temporal_patch_size
        assert head.decoder_pos_embed.shape[2] == 25 and head.decoder_embed.in_features == 16
        assert head.decoder_pred.out_features == backbone.temporal_patch_size * 2
    else:
        assert cfg.model.cls_head.in_channels == backbone.embed_dims
    pipelines = [cfg.train_pipeline, cfg.test_pipeline]
    for pipeline in pipelines:
        (crop,) = pipeline_steps(pipeline, 'ValidCropResize')
        assert crop.clip_len == 64
        (formatting,) = pipeline_steps(pipeline, 'FormatGCNInput')
        assert formatting.num_person == 2
        (centring,) = pipeline_steps(pipeline, 'CentreSkeleton')
        assert centring.origin_joint == 1
    for masking in pipeline_steps(cfg.train_pipeline, 'MotionAwareMasking'):
        assert masking.temporal_patch_size == backbone.temporal_patch_size
    assert cfg.train_dataloader.dataset.ann_file == cfg.ann_file


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


@pytest.mark.slow
def test_worked_example_from_numpy_clips_to_predictions(tmp_path, capsys):
    clips = tmp_path / 'clips'
    labels = write_clip_folder(clips)
    ann_file = tmp_path / 'my_skeletons.pkl'
    argv = [str(clips), '--labels', str(labels), '--out', str(ann_file)]
    assert load_tool('tools/data/numpy_to_mmaction.py').main(argv) == 0
    assert 'written: 40 samples\n  train: 32\n  val: 8' in capsys.readouterr().out

    small = dict(embed_dims=32, depth=1, num_heads=2, batch_size=8)
    layout = dict(ann_file=str(ann_file), clip_len=16, **small)
    pretrain_cfg = user_config(PRETRAIN_TEMPLATE, tmp_path, max_epochs=2, warmup_epochs=1, **layout)
    pretrain_dir = tmp_path / 'pretrain'
    run(train_command(
        'ours',
        pretrain_cfg,
        pretrain_dir,
        'model.head.decoder_depth=1',
        'model.head.decoder_num_heads=2',
        'model.head.decoder_embed_dims=32',
        'default_hooks.checkpoint.interval=2',
        *NO_WORKERS,
    ))  # fmt: skip
    losses = list(logged_losses(pretrain_dir).values())
    assert len(losses) == 2 * 4 and all(np.isfinite(losses))  # 32 clips / batch 8, 2 epochs
    pretrained = pretrain_dir / 'epoch_2.pth'

    probe_cfg = user_config(
        LINEAR_TEMPLATE,
        tmp_path,
        max_epochs=1,
        num_classes=NUM_CLASSES,
        pretrained=str(pretrained),
        **layout,
    )
    probe_dir = tmp_path / 'probe'
    proc = run(train_command(
        'ours',
        probe_cfg,
        probe_dir,
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        *NO_WORKERS,
    ))  # fmt: skip
    assert f'load backbone. in model from: {pretrained}' in proc.stdout + proc.stderr
    probe = probe_dir / 'epoch_1.pth'
    encoder_keys = ('backbone.blocks.0.attn.qkv.weight', 'backbone.temp_embed')
    pretrained_state = torch.load(pretrained, weights_only=True)['state_dict']
    probe_state = torch.load(probe, weights_only=True)['state_dict']
    for key in encoder_keys:  # the frozen encoder is the pre-trained one
        assert torch.equal(probe_state[key], pretrained_state[key])

    # predictions and features: the same tools, in this process
    clip = str(clips / 'clip_c2_03.npy')
    assert load_tool('tools/infer.py').main([str(probe_cfg), str(probe), clip, '--top-k', '3']) == 0
    rows = [line.split('\t') for line in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 3 and {name for name, _ in rows} <= {'0', '1', '2', '3'}
    scores = [float(score) for _, score in rows]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0001

    features = tmp_path / 'features.npz'
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
    small = dict(ann_file=str(ann_file), clip_len=16, embed_dims=32, depth=1, num_heads=2)
    wrong_joints = user_config(PRETRAIN_TEMPLATE, tmp_path, num_joints=25, batch_size=8, **small)
    proc = run(train_command('mmaction2', wrong_joints, tmp_path / 'a', *NO_WORKERS), expect_rc=2)
    assert proc.stderr.splitlines()[-1] == (
        f"error: train_dataloader: {ann_file} (split 'train'): the clips have 17 joints, the "
        'model expects 25 (model.backbone.num_joints): state the joint layout once in the '
        'config and let every part use it (docs/custom_data.md)'
    )
    too_few = user_config(PRETRAIN_TEMPLATE, tmp_path, batch_size=128, **small)
    proc = run(train_command('mmaction2', too_few, tmp_path / 'b', *NO_WORKERS), expect_rc=2)
    assert proc.stderr.splitlines()[-1] == (
        'error: train_dataloader: the dataset holds 32 samples, fewer than one global batch of '
        '128 (1 process(es) x 128); lower train_dataloader.batch_sampler.global_batch_size (and '
        'lr with it) or add data'
    )
