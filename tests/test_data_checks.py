"""Every clip a run reads is checked against the model before the first iteration."""

import logging
import pickle
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets.clip_checks import check_dataloader
from mmaction_mamp.engine.runner import with_model_needs
from mmaction_mamp.utils.errors import DataCheckError

from launch import REPO, TINY, logged_losses, run, train_command
from small_models import small_mamp, small_recognizer

PRETRAIN_PIPELINE = [
    dict(type='ValidCropResize', clip_len=16, p_interval=(0.5, 1.0), min_crop_len=8),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='MotionAwareMasking', mask_ratio=0.75, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]
TEST_PIPELINE = [
    dict(type='ValidCropResize', clip_len=16, p_interval=(0.95,)),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]


@pytest.fixture(autouse=True)
def mmaction_scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        yield


pretraining_model, classifier = small_mamp, small_recognizer


def clips(tmp_path, labels, joints=25, frames=30, damage=None) -> str:
    """A PoseDataset pickle of one-person clips; ``damage(name, keypoint)`` edits some."""
    rng = np.random.default_rng(0)
    annotations = []
    for i, label in enumerate(labels):
        keypoint = rng.normal(size=(1, frames, joints, 3)).astype(np.float32)
        if damage:
            damage(f'clip{i}', keypoint)
        annotations.append(dict(frame_dir=f'clip{i}', label=label, keypoint=keypoint))
    path = tmp_path / 'clips.pkl'
    names = [a['frame_dir'] for a in annotations]
    path.write_bytes(pickle.dumps(dict(split=dict(train=names), annotations=annotations)))
    return str(path)


def loader(ann_file, pipeline, dataset_type='SafePoseDataset'):
    dataset = DATASETS.build(
        dict(type=dataset_type, ann_file=ann_file, split='train', pipeline=pipeline)
    )
    return SimpleNamespace(dataset=dataset)


def test_good_data_passes(tmp_path):
    check_dataloader(
        pretraining_model(), loader(clips(tmp_path, [None] * 4), PRETRAIN_PIPELINE), 'train', False
    )
    check_dataloader(classifier(), loader(clips(tmp_path, [0, 1, 2]), TEST_PIPELINE), 'val', True)


def test_a_joint_layout_the_model_does_not_expect_is_one_line(tmp_path):
    ann_file = clips(tmp_path, [0] * 16, joints=17)
    with pytest.raises(DataCheckError) as error:
        check_dataloader(
            pretraining_model(), loader(ann_file, PRETRAIN_PIPELINE), 'train_dataloader', False
        )
    assert str(error.value) == (
        f"train_dataloader: {ann_file} (split 'train'): the clips have 17 joints, the model "
        'expects 25 (model.backbone.num_joints): state the joint layout once in the config and '
        'let every part use it (docs/custom_data.md)'
    )


def test_unlabelled_or_out_of_range_clips_are_refused_where_labels_are_used(tmp_path):
    ann_file = clips(tmp_path, [0, None, 5, 2])
    check_dataloader(pretraining_model(), loader(ann_file, PRETRAIN_PIPELINE), 'train', False)
    with pytest.raises(DataCheckError) as error:
        check_dataloader(classifier(num_classes=3), loader(ann_file, TEST_PIPELINE), 'val', True)
    assert str(error.value).splitlines() == [
        f"2 bad sample(s) in val: {ann_file} (split 'train'):",  # one header
        '  clip1: no label (unlabelled clip), but labels are needed here',
        '  clip2: label 5 out of range for 3 classes',
        'To skip them, state what the model needs on the dataset: --cfg-options '
        "val.dataset.sample_requirements=\"{'num_joints': 25, 'num_classes': 3, "
        "'labels_required': True}\" val.dataset.skip_bad_samples=True",
    ]
    with pytest.raises(DataCheckError, match='clip1: no label'):  # k-NN bank: no head
        check_dataloader(pretraining_model(), loader(ann_file, TEST_PIPELINE), 'knn', True)
    # what the hint says makes skip mode drop exactly those clips, and the check passes
    requirements = dict(num_joints=25, num_classes=3, labels_required=True)
    dataset = DATASETS.build(
        dict(
            type='SafePoseDataset',
            ann_file=ann_file,
            split='train',
            pipeline=TEST_PIPELINE,
            sample_requirements=requirements,
            skip_bad_samples=True,
        )
    )
    assert [dataset.get_data_info(i)['frame_dir'] for i in range(len(dataset))] == [
        'clip0',
        'clip3',
    ]
    check_dataloader(classifier(num_classes=3), SimpleNamespace(dataset=dataset), 'val', True)


def test_skip_mode_drops_what_only_the_model_needs(tmp_path):
    """Skip mode covers the reasons only the model knows: MAMPRunner states the head's classes
    and the need for labels (a classifier's loaders, the k-NN monitor's) on every dataset in
    skip mode, so the clips the check above refuses are dropped instead."""
    ann_file = clips(tmp_path, [0, None, 5, 2])
    dataset = dict(type='SafePoseDataset', ann_file=ann_file, split='train', pipeline=TEST_PIPELINE)
    skipping = dict(dataset, skip_bad_samples=True)
    cfg = Config(
        dict(
            model=dict(backbone=dict(num_joints=25), cls_head=dict(num_classes=3)),
            train_dataloader=dict(dataset=dict(type='RepeatDataset', times=2, dataset=skipping)),
            val_dataloader=dict(dataset=dataset),
            custom_hooks=[dict(type='KNNMonitorHook', val_dataloader=dict(dataset=skipping))],
        )
    )
    with_model_needs(cfg)
    train = DATASETS.build(cfg.train_dataloader.dataset.dataset)
    assert [train.get_data_info(i)['frame_dir'] for i in range(len(train))] == ['clip0', 'clip3']
    check_dataloader(classifier(num_classes=3), SimpleNamespace(dataset=train), 'train', True)
    assert 'sample_requirements' not in cfg.val_dataloader.dataset  # no skip mode: refused
    knn = DATASETS.build(cfg.custom_hooks[0].val_dataloader.dataset)  # labels, any class
    assert [knn.get_data_info(i)['frame_dir'] for i in range(len(knn))] == [
        'clip0',
        'clip2',
        'clip3',
    ]
    with pytest.raises(DataCheckError, match='clip1: no label'):
        check_dataloader(classifier(num_classes=3), loader(ann_file, TEST_PIPELINE), 'val', True)


def test_fewer_classes_than_the_head_is_said(tmp_path):
    """A 3-class dataset under a 10-way head trains, with a warning naming both numbers."""
    ann_file = clips(tmp_path, [0, 1, 2, 1])
    records = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = lambda record: records.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        check_dataloader(classifier(num_classes=10), loader(ann_file, TEST_PIPELINE), 'val', True)
        check_dataloader(classifier(num_classes=3), loader(ann_file, TEST_PIPELINE), 'val', True)
    finally:
        logger.removeHandler(handler)
    assert records == [
        f"val: {ann_file} (split 'train'): the labels reach 2 (3 classes), the head has "
        'num_classes=10: if the data has 3 classes, set model.cls_head.num_classes=3'
    ]


def test_a_stock_dataset_is_checked_clip_by_clip(tmp_path):
    def damage(name, keypoint):
        if name == 'clip2':
            keypoint[0, 3, 4, 0] = np.nan

    ann_file = clips(tmp_path, [0, 1, 2], damage=damage)
    with pytest.raises(DataCheckError, match='clip2: non-finite coordinates in 1 frame'):
        check_dataloader(classifier(), loader(ann_file, TEST_PIPELINE, 'PoseDataset'), 'x', True)


def test_pipeline_output_that_does_not_fit_the_encoder_is_named(tmp_path):
    ann_file = clips(tmp_path, [0] * 4)
    long_clips = [dict(step, clip_len=32) if 'clip_len' in step else step for step in TEST_PIPELINE]
    with pytest.raises(DataCheckError, match='gives clips of 32 frames, the encoder expects 16'):
        check_dataloader(classifier(), loader(ann_file, long_clips), 'val', True)
    coarse_mask = [
        dict(step, temporal_patch_size=8) if step['type'] == 'MotionAwareMasking' else step
        for step in PRETRAIN_PIPELINE
    ]
    with pytest.raises(DataCheckError, match='gives 50 tokens per person, the encoder has 100'):
        check_dataloader(pretraining_model(), loader(ann_file, coarse_mask), 'train', False)


def test_a_pipeline_that_fails_on_the_first_clip_is_reported(tmp_path):
    ann_file = clips(tmp_path, [0] * 4)
    broken = [*PRETRAIN_PIPELINE[:2], dict(type='MotionAwareMasking', motion_channels=5)]
    with pytest.raises(DataCheckError, match='the pipeline fails on clip0: ValueError: sample'):
        check_dataloader(pretraining_model(), loader(ann_file, broken), 'train', False)


def test_too_few_valid_frames_for_the_crop_are_listed(tmp_path):
    def damage(name, keypoint):
        if name == 'clip3':
            keypoint[:, 2:] = 0  # 2 valid frames, ValidCropResize needs 4

    ann_file = clips(tmp_path, [0] * 4, damage=damage)
    with pytest.raises(DataCheckError, match='clip3: 2 valid .* fewer than the 4 one token'):
        check_dataloader(pretraining_model(), loader(ann_file, PRETRAIN_PIPELINE), 'train', False)


def test_coordinates_that_overflow_in_the_pipeline_stop_before_iteration_1(tmp_path):
    """Finite coordinates near float32's limit used to pass the check, overflow to inf in
    ``CentreSkeleton`` mid-run and end mmaction2's train.py with a traceback (exit 1)."""
    ann_file = clips(tmp_path, [None] * 12)
    content = pickle.loads(Path(ann_file).read_bytes())
    keypoint = content['annotations'][9]['keypoint']
    keypoint[0, :, 1, 0], keypoint[0, :, 2, 0] = -3e38, 3e38  # every frame sum stays finite
    Path(ann_file).write_bytes(pickle.dumps(content))
    pipeline = [dict(type='CentreSkeleton')] + Config.fromfile(TINY).train_pipeline
    config = tmp_path / 'huge.py'
    config.write_text(
        f'_base_ = [{str(TINY)!r}]\n'
        'train_dataloader = dict(batch_sampler=dict(global_batch_size=4), dataset=dict(\n'
        f"    _delete_=True, type='SafePoseDataset', ann_file={ann_file!r}, split='train',\n"
        f'    pipeline={[dict(step) for step in pipeline]!r}))\n'
    )
    proc = run(train_command('mmaction2', config, tmp_path / 'work'), expect_rc=2)
    assert 'Traceback' not in proc.stderr
    assert proc.stderr.splitlines()[-3:] == [
        f"error: 1 bad sample(s) in {ann_file} (split 'train'):",
        '  clip9: coordinates beyond ±1e+06 in 30 frame(s), first frame 0 (a transform or the '
        'model would overflow to inf)',
        'Fix or remove them, or train on the rest with skip mode (--cfg-options '
        'train_dataloader.dataset.skip_bad_samples=True).',
    ]


def test_a_head_wider_than_the_data_is_said_in_a_run(tmp_path):
    """3 classes of data under the demo template's ``num_classes=10``: mmaction2's train.py
    trains (exit 0) and the log names both numbers before iteration 1."""
    classes = '[raise_right_arm,lower_right_arm,raise_left_arm]'
    options = [
        'model.backbone.init_cfg=None',
        f'train_dataloader.dataset.classes={classes}',
        f'val_dataloader.dataset.classes={classes}',
        'train_dataloader.dataset.num_per_class=4',
        'val_dataloader.dataset.num_per_class=2',
        'train_dataloader.batch_sampler.global_batch_size=4',
        'train_cfg.max_epochs=1',
    ]
    config = REPO / 'configs/demo/mamp_linear_demo.py'
    proc = run(train_command('mmaction2', config, tmp_path, *options))
    assert (
        "WARNING - train_dataloader: SyntheticSkeletonDataset (split 'train'): the labels reach "
        '2 (3 classes), the head has num_classes=10: if the data has 3 classes, set '
        'model.cls_head.num_classes=3'
    ) in proc.stdout


def test_skip_mode_in_a_run_drops_a_wrong_joint_clip_too(tmp_path):
    """Skip mode used to drop the NaN clip, then stop the run on the 17-joint one. The clips
    are unlabelled (``label=None``), as pre-training pickles may be: they train, none skipped."""

    def damage(name, keypoint):
        if name == 'clip3':
            keypoint[0, 5, 2, 1] = np.nan

    ann_file = clips(tmp_path, [None] * 12, damage=damage)
    content = pickle.loads(Path(ann_file).read_bytes())
    content['annotations'][7]['keypoint'] = content['annotations'][7]['keypoint'][:, :, :17]
    Path(ann_file).write_bytes(pickle.dumps(content))
    skipped = tmp_path / 'skipped.tsv'
    config = tmp_path / 'skip.py'
    config.write_text(
        f'_base_ = [{str(TINY)!r}]\n'
        'train_dataloader = dict(batch_sampler=dict(global_batch_size=4), dataset=dict(\n'
        f"    _delete_=True, type='SafePoseDataset', ann_file={ann_file!r}, split='train',\n"
        f'    skip_bad_samples=True, bad_sample_file={str(skipped)!r},\n'
        f'    pipeline={[dict(step) for step in Config.fromfile(TINY).train_pipeline]!r}))\n'
    )
    run(train_command('mmaction2', config, tmp_path / 'work', 'train_cfg.max_epochs=1'))
    assert skipped.read_text().splitlines() == [
        'clip3\tnon-finite coordinates in 1 frame(s), first frame 5',
        'clip7\t17 joints, the model expects 25',
    ]
    assert len(logged_losses(tmp_path / 'work')) == 2  # 10 clips left, global batch 4
