"""Plain numpy clips (one file per clip, or one stacked array) -> PoseDataset pickle."""

import json

import numpy as np
import pytest
from test_data_prep_cli import load_tool

from mmaction_mamp.datasets.safe_pickle import load_annotation_pickle
from mmaction_mamp.preparation import convert_npy_folder, convert_stacked_array
from mmaction_mamp.preparation.custom_clips import random_splits, read_label_file
from mmaction_mamp.preparation.numpy_arrays import read_npy_clip
from mmaction_mamp.preparation.records import InputFormatError, Sample


def ramp(frames: int, joints: int = 17, persons: int = 0, start: float = 1.0) -> np.ndarray:
    """(T, V, 3) (or (M, T, V, 3) when persons > 0) of distinct, non-zero values."""
    shape = (persons, frames, joints, 3) if persons else (frames, joints, 3)
    return (start + np.arange(np.prod(shape), dtype=np.float32)).reshape(shape)


@pytest.fixture
def clip_folder(tmp_path):
    folder = tmp_path / 'clips'
    folder.mkdir()
    padded = ramp(6)
    padded[4:] = 0  # trailing padding: dropped
    padded[1] = 0  # a zero frame inside the clip: kept
    np.save(folder / 'a.npy', padded)
    np.save(folder / 'b.npy', ramp(5, persons=2))
    np.save(folder / 'c.npy', ramp(4).astype(np.float64))
    np.save(folder / 'empty.npy', np.zeros((5, 17, 3)))
    np.save(folder / 'joints25.npy', ramp(5, joints=25))
    np.save(folder / 'nan.npy', np.full((5, 17, 3), np.nan))
    np.save(folder / 'objects.npy', np.array([None, 1], dtype=object), allow_pickle=True)
    np.save(folder / 'unlisted.npy', ramp(5))
    labels = tmp_path / 'labels.txt'
    lines = ['# name label', 'a 0', 'b,1', 'c 1', 'empty 0', 'joints25 0', 'nan 1', 'objects 0']
    labels.write_text('\n'.join(lines) + '\n\n')
    return folder, labels


def test_folder_values_labels_and_skips(clip_folder, tmp_path):
    folder, labels = clip_folder
    out = tmp_path / 'mine.pkl'
    summary = convert_npy_folder(folder, out, labels_file=labels, val_fraction=0.0)
    content = load_annotation_pickle(out)  # the safe reader accepts it

    by_name = {item['frame_dir']: item for item in content['annotations']}
    assert list(by_name) == ['a', 'b', 'c']
    assert [by_name[name]['label'] for name in 'abc'] == [0, 1, 1]
    assert [by_name[name]['total_frames'] for name in 'abc'] == [4, 5, 4]
    a = by_name['a']['keypoint']
    assert a.shape == (1, 4, 17, 3) and a.dtype == np.float32
    np.testing.assert_array_equal(a[0, [0, 2, 3]], ramp(6)[[0, 2, 3]])
    assert not a[0, 1].any()
    np.testing.assert_array_equal(by_name['b']['keypoint'], ramp(5, persons=2))
    assert 'keypoint_score' not in by_name['a'] and 'img_shape' not in by_name['a']
    assert content['split'] == {'train': ['a', 'b', 'c'], 'val': []}
    reasons = {record.name: record.category for record in summary.skipped}
    assert reasons == {
        'empty': 'empty sequence',
        'joints25': 'wrong joint count',
        'nan': 'non-finite coordinate',
        'objects': 'unreadable file',
        'unlisted': 'no label',
    }
    message = next(r.message for r in summary.skipped if r.name == 'joints25')
    assert '25 joints x 3 coordinates' in message and '(a) 17 x 3' in message


def test_layout_letters_reorder_axes(tmp_path):
    clip = ramp(5, persons=2)  # (M, T, V, C)
    path = tmp_path / 'ctvm.npy'
    np.save(path, clip.transpose(3, 1, 2, 0))
    np.testing.assert_array_equal(read_npy_clip(path, 'ctvm'), clip)
    with pytest.raises(InputFormatError, match=r'expected a 3-D array \(T, V, C\)'):
        read_npy_clip(path, 'TVC')
    with pytest.raises(ValueError, match='must name each axis once'):
        read_npy_clip(path, 'CTVV')


def test_unlabelled_clips_and_a_split_file(clip_folder, tmp_path):
    folder, _ = clip_folder
    splits = tmp_path / 'splits.json'
    splits.write_text(json.dumps({'pretrain': ['a', 'b', 'c', 'empty'], 'probe': ['unlisted']}))
    out = tmp_path / 'unlabelled.pkl'
    summary = convert_npy_folder(folder, out, split_file=splits)
    content = load_annotation_pickle(out)
    assert {item['label'] for item in content['annotations']} == {-1}
    assert content['split'] == {'pretrain': ['a', 'b', 'c'], 'probe': ['unlisted']}
    assert any('every clip is unlabelled' in note for note in summary.notes)
    assert any("split 'pretrain': 1 listed clip(s) not converted" in n for n in summary.notes)


def test_random_split_is_seeded_and_stratified():
    samples = [Sample(f's{i}', i % 2, np.zeros(0)) for i in range(20)]
    splits = random_splits(samples, 0.3, seed=3)
    assert splits == random_splits(samples, 0.3, seed=3)
    val_labels = [int(name[1:]) % 2 for name in splits['val']]
    assert sorted(val_labels) == [0, 0, 0, 1, 1, 1]  # round(10 * 0.3) per class
    assert sorted(splits['train'] + splits['val']) == sorted(s.name for s in samples)


def test_stacked_array_feeder_layout_and_labels(tmp_path):
    clips = np.stack([ramp(6, persons=2), ramp(6, persons=2, start=-500.0)])
    clips[0, :, 3:] = 0  # clip 0 is 3 frames long
    array = tmp_path / 'train_x.npy'
    np.save(array, clips.transpose(0, 4, 2, 3, 1))  # (N, C, T, V, M)
    labels = tmp_path / 'train_y.npy'
    np.save(labels, np.eye(3)[[2, 0]])  # one-hot
    out = tmp_path / 'stacked.pkl'
    convert_stacked_array(array, out, layout='NCTVM', labels_file=labels, val_fraction=0.0)
    first, second = load_annotation_pickle(out)['annotations']
    assert (first['frame_dir'], first['label'], first['total_frames']) == ('train_x_000000', 2, 3)
    np.testing.assert_array_equal(first['keypoint'], clips[0, :, :3])
    np.testing.assert_array_equal(second['keypoint'], clips[1])

    text_labels = tmp_path / 'labels.txt'
    text_labels.write_text('1\n')
    with pytest.raises(InputFormatError, match='1 labels for 2 clips'):
        convert_stacked_array(array, out, layout='NCTVM', labels_file=text_labels)
    with pytest.raises(InputFormatError, match=r'expected a 4-D array \(N, T, V, C\)'):
        convert_stacked_array(array, out, layout='NTVC')


def test_label_file_errors_name_the_line(tmp_path):
    labels = tmp_path / 'labels.txt'
    labels.write_text('a 0\nb one\n')
    with pytest.raises(InputFormatError, match=r'labels.txt:2: malformed line'):
        read_label_file(labels)
    labels.write_text('a 0\na 1\n')
    with pytest.raises(InputFormatError, match=r':2: .*a is listed twice'):
        read_label_file(labels)


def test_command(clip_folder, tmp_path, capsys):
    folder, labels = clip_folder
    out = tmp_path / 'cli.pkl'
    tool = load_tool('numpy_to_mmaction')
    status = tool.main([str(folder), '--labels', str(labels), '--out', str(out), '--seed', '1'])
    captured = capsys.readouterr().out
    assert status == 0 and 'written: 3 samples' in captured and 'skipped: 5' in captured
    assert tool.main([str(tmp_path / 'nowhere'), '--out', str(out)]) == 2
    assert 'nowhere: unreadable file' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        tool.main([str(folder), '--out', str(out), '--layout', 'TXC'])
