"""Every clip a run reads is checked against the model before the first iteration."""

import pickle
from types import SimpleNamespace

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets.clip_checks import check_dataloader
from mmaction_mamp.utils.errors import DataCheckError

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
    lines = str(error.value).splitlines()
    assert lines[0].endswith('2 bad sample(s) in the clips:')
    assert lines[1:3] == [
        '  clip1: no label (unlabelled clip), but labels are needed here',
        '  clip2: label 5 out of range for 3 classes',
    ]
    assert lines[3].endswith(
        '(val.dataset.sample_requirements, e.g. dict(num_joints=25, num_classes=3, '
        'labels_required=True))'
    )
    with pytest.raises(DataCheckError, match='clip1: no label'):  # k-NN bank: no head
        check_dataloader(pretraining_model(), loader(ann_file, TEST_PIPELINE), 'knn', True)


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
