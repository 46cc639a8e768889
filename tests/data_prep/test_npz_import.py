"""CTR-GCN / MAMP-style npz -> PoseDataset pickle."""

import pickle

import numpy as np
import pytest

from mmaction_mamp.preparation import convert_npz
from mmaction_mamp.preparation.npz_import import infer_benchmark, iter_npz_rows
from mmaction_mamp.preparation.records import InputFormatError


def padded(valid: int, value: float = 1.0) -> np.ndarray:
    """(300, 150) sample: frames < valid hold ``value`` at actor 2, joint 2, y; zero after."""
    sample = np.zeros((300, 150), np.float32)
    sample[:valid, 75 + 3 * 2 + 1] = value
    return sample


def one_hot(labels, classes=60):
    return np.eye(classes)[labels]


@pytest.fixture
def xsub_npz(tmp_path):
    x_train = np.stack([padded(10, 7.5), padded(8), padded(0)])
    x_train[1, 3] = 0  # a zero frame inside the valid frames stays
    x_train[0, 4, 0:3] = (0.25, -0.5, 2.0)  # actor 1, joint 0, frame 4
    path = tmp_path / 'NTU60_XSub.npz'
    np.savez_compressed(
        path,
        x_train=x_train,
        y_train=one_hot([0, 59, 3]),
        x_test=padded(300)[None],
        y_test=one_hot([12]),
    )
    return path


def test_npz_numbers_names_and_splits(xsub_npz, tmp_path):
    out = tmp_path / 'ntu60_3d.pkl'
    summary = convert_npz([(xsub_npz, 'xsub')], out)
    with open(out, 'rb') as stream:
        data = pickle.load(stream)

    assert data['split'] == {
        'xsub_train': ['xsub_train_000000', 'xsub_train_000001'],
        'xsub_val': ['xsub_val_000000'],
    }
    first, second, test = data['annotations']
    assert [a['label'] for a in data['annotations']] == [0, 59, 12]
    assert [a['total_frames'] for a in data['annotations']] == [10, 8, 300]
    assert first['keypoint'].shape == (2, 10, 25, 3) and first['keypoint'].dtype == np.float32
    assert first['keypoint'][1, 9, 2, 1] == 7.5 and first['keypoint'][1, 0, 2, 0] == 0
    np.testing.assert_array_equal(first['keypoint'][0, 4, 0], [0.25, -0.5, 2.0])
    assert not second['keypoint'][:, 3].any() and second['keypoint'][1, 7, 2, 1] == 1.0
    assert [(r.name, r.category) for r in summary.skipped] == [
        ('xsub_train_000002', 'empty sequence')
    ]


def test_feeder_layout_and_integer_labels(tmp_path):
    x = np.zeros((1, 3, 300, 25, 2), np.float32)
    x[0, 2, :5, 24, 1] = 4.0  # z of joint 24 of person 2 in frames 0-4
    path = tmp_path / 'NTU120_CSet.npz'
    np.savez(path, x_train=x, y_train=np.array([119]), x_test=x, y_test=np.array([0]))
    assert infer_benchmark(path) == 'xset'
    convert_npz([(path, 'xset')], tmp_path / 'out.pkl')
    with open(tmp_path / 'out.pkl', 'rb') as stream:
        annotation = pickle.load(stream)['annotations'][0]
    assert annotation['label'] == 119 and annotation['keypoint'].shape == (2, 5, 25, 3)
    assert annotation['keypoint'][1, 4, 24, 2] == 4.0 and annotation['keypoint'].sum() == 20.0


def test_npz_errors_name_the_file(tmp_path):
    path = tmp_path / 'NTU60_CV.npz'
    np.savez(path, x_train=np.zeros((2, 300, 150)), y_train=one_hot([0, 1]))
    with pytest.raises(InputFormatError, match=f"^{path}: malformed npz: no array 'x_test'"):
        convert_npz([(path, 'xview')], tmp_path / 'out.pkl')
    np.savez(path, x_train=np.zeros((1, 300, 149)), y_train=one_hot([0]))
    with pytest.raises(InputFormatError, match='wrong joint count: x_train is float64'):
        convert_npz([(path, 'xview')], tmp_path / 'out.pkl')
    x = padded(3)[None]
    np.savez(path, x_train=x, y_train=np.array([60]), x_test=x, y_test=np.array([1]))
    with pytest.raises(
        InputFormatError, match=r'unknown action id: y_train\[0\] = 60 is outside 0-59'
    ):
        convert_npz([(path, 'xview')], tmp_path / 'out.pkl')
    np.savez(path, x_train=x, y_train=np.array([[0.5, 0.5]]), x_test=x, y_test=one_hot([1]))
    with pytest.raises(InputFormatError, match='y_train row 0 is not one-hot'):
        convert_npz([(path, 'xview')], tmp_path / 'out.pkl')
    assert not (tmp_path / 'out.pkl').exists()


def test_rows_stream_one_at_a_time(xsub_npz):
    rows = iter_npz_rows(xsub_npz, 'x_train')
    first = next(rows)
    assert first.shape == (300, 150) and first[9, 82] == 7.5
    assert len(list(rows)) == 2
