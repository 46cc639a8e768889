"""NTU folders -> PoseDataset pickle: content, splits, bad files, workers."""

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import List

import numpy as np
import pytest

from mmaction_mamp.preparation import convert_ntu
from mmaction_mamp.preparation.ntu_skeleton import read_skeleton_file
from mmaction_mamp.preparation.ntu_splits import (
    NTU60,
    NTU120,
    build_splits,
    parse_sample_name,
)
from mmaction_mamp.preparation.records import InputFormatError

from prep_fixtures import format_skeleton, upright, write_skeleton

REPO = Path(__file__).resolve().parents[2]


def one_body(num_frames: int = 3, x: float = 1.0) -> list:
    return [[('7', upright(x + 0.1 * t))] for t in range(num_frames)]


def two_bodies(num_frames: int = 15) -> list:
    return [[('1', upright(1.0 + 0.1 * t)), ('2', upright(2.0, 0.4))] for t in range(num_frames)]


@pytest.fixture
def ntu60_folder(tmp_path):
    folder = tmp_path / 'nturgb+d_skeletons'
    write_skeleton(folder, 'S001C001P001R001A001', one_body())  # xsub train, xview val
    write_skeleton(folder, 'S001C002P003R001A050', two_bodies())  # xsub val, xview train
    write_skeleton(folder, 'S017C003P038R002A060', one_body(5))  # xsub train, xview train
    write_skeleton(folder, 'S001C003P003R001A002', [[], []])  # no body at all
    write_skeleton(folder, 'S018C001P045R001A061', one_body())  # NTU-120 only
    return folder


def load(path) -> dict:
    with open(path, 'rb') as stream:
        return pickle.load(stream)


def test_ntu60_pickle_content_and_splits(ntu60_folder, tmp_path):
    out = tmp_path / 'ntu60_3d.pkl'
    summary = convert_ntu([ntu60_folder], 'ntu60', out, num_workers=1)
    data = load(out)

    names = [a['frame_dir'] for a in data['annotations']]
    assert names == ['S001C001P001R001A001', 'S001C002P003R001A050', 'S017C003P038R002A060']
    assert data['split'] == {
        'xsub_train': ['S001C001P001R001A001', 'S017C003P038R002A060'],
        'xsub_val': ['S001C002P003R001A050'],
        'xview_train': ['S001C002P003R001A050', 'S017C003P038R002A060'],
        'xview_val': ['S001C001P001R001A001'],
    }
    first, second, third = data['annotations']
    assert [a['label'] for a in data['annotations']] == [0, 49, 59]
    assert [a['total_frames'] for a in data['annotations']] == [3, 15, 5]
    assert first['keypoint'].dtype == np.float32 and first['keypoint'].shape == (2, 3, 25, 3)
    # frame 2 joint 0 of upright(1.2) minus joint 1 of upright(1.0): (1.2 - 1.01, 0.5 - 0.55, 0)
    np.testing.assert_allclose(first['keypoint'][0, 2, 0], [0.19, -0.05, 0.0], atol=1e-6)
    np.testing.assert_allclose(second['keypoint'][1, 0, 0], [0.99, -0.15, 0.0], atol=1e-6)
    assert set(first) == {'frame_dir', 'label', 'total_frames', 'keypoint'}

    assert summary.written == 3
    assert [(r.name, r.category) for r in summary.skipped] == [('S001C003P003R001A002', 'no body')]
    assert summary.ignored == {'not part of NTU RGB+D 60': 1}
    assert 'skipped: 1' in summary.format() and 'no body: 1' in summary.format()


def test_workers_give_the_same_pickle(ntu60_folder, tmp_path):
    convert_ntu([ntu60_folder], 'ntu60', tmp_path / 'serial.pkl', num_workers=1)
    convert_ntu([ntu60_folder], 'ntu60', tmp_path / 'pool.pkl', num_workers=2)
    serial, pool = load(tmp_path / 'serial.pkl'), load(tmp_path / 'pool.pkl')
    assert serial['split'] == pool['split']
    for a, b in zip(serial['annotations'], pool['annotations']):
        assert a['frame_dir'] == b['frame_dir']
        np.testing.assert_array_equal(a['keypoint'], b['keypoint'])


def test_ntu120_splits(ntu60_folder, tmp_path):
    out = tmp_path / 'ntu120_3d.pkl'
    write_skeleton(tmp_path / 'second_archive', 'S019C002P044R001A120', one_body())
    convert_ntu([ntu60_folder, tmp_path / 'second_archive'], 'ntu120', out, num_workers=1)
    data = load(out)
    assert data['split'] == {
        'xsub_train': ['S001C001P001R001A001', 'S017C003P038R002A060', 'S018C001P045R001A061'],
        'xsub_val': ['S001C002P003R001A050', 'S019C002P044R001A120'],
        'xset_train': ['S018C001P045R001A061'],
        'xset_val': [
            'S001C001P001R001A001',
            'S001C002P003R001A050',
            'S017C003P038R002A060',
            'S019C002P044R001A120',
        ],
    }
    assert data['annotations'][-1]['label'] == 119


def test_official_subject_lists():
    assert len(NTU60.xsub_train_subjects) == 20 and len(NTU120.xsub_train_subjects) == 53
    assert {45, 103} <= NTU120.xsub_train_subjects and 44 not in NTU120.xsub_train_subjects
    sample = parse_sample_name('S032C003P106R002A120', 'x')
    assert (sample.setup, sample.camera, sample.subject, sample.replication) == (32, 3, 106, 2)
    assert sample.label == 119
    assert build_splits([sample], NTU120)['xset_train'] == ['S032C003P106R002A120']


def test_missing_list_cross_check(ntu60_folder, tmp_path):
    listed = tmp_path / 'NTU_RGBD_samples_with_missing_skeletons.txt'
    listed.write_text('S001C003P003R001A002\nS005C001P001R001A001\n')
    summary = convert_ntu(
        [ntu60_folder], 'ntu60', tmp_path / 'a.pkl', num_workers=1, missing_list=listed
    )
    assert any('are exactly the samples found without any body' in n for n in summary.notes)

    listed.write_text('S001C001P001R001A001\n')  # has a body: left out, and the check fails
    summary = convert_ntu(
        [ntu60_folder], 'ntu60', tmp_path / 'b.pkl', num_workers=1, missing_list=listed
    )
    assert summary.written == 2
    assert any('cross-check FAILED: 1 listed samples have bodies, 1' in n for n in summary.notes)
    assert 'S001C001P001R001A001' not in load(tmp_path / 'b.pkl')['split']['xsub_train']


# --- malformed inputs: clear messages naming file and line --------------------------------


def skeleton_lines(frames) -> List[str]:
    return format_skeleton(frames).splitlines()


def write_lines(folder, name, lines):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{name}.skeleton'
    path.write_text('\n'.join(lines) + '\n')
    return path


def test_truncated_file(tmp_path):
    path = write_lines(tmp_path, 'S001C001P001R001A001', skeleton_lines(one_body(2))[:40])
    with pytest.raises(InputFormatError) as error:
        read_skeleton_file(path)
    assert str(error.value) == (
        f'{path}:40: truncated file: file ends here while reading the 25 joint lines '
        'of body 1/1 of frame 2/2'
    )


def test_wrong_joint_count(tmp_path):
    lines = skeleton_lines(one_body(2))
    assert lines[31] == '25'  # line 32: joint count of the body of frame 2
    lines[31] = '24'
    path = write_lines(tmp_path, 'S001C001P001R001A001', lines)
    with pytest.raises(InputFormatError, match=f'^{path}:32: wrong joint count: body 1/1 of frame'):
        read_skeleton_file(path)


def test_empty_sequence(tmp_path):
    path = write_lines(tmp_path, 'S001C001P001R001A001', ['0'])
    with pytest.raises(InputFormatError, match=f'^{path}:1: empty sequence'):
        read_skeleton_file(path)


def test_non_numeric_and_non_finite_values(tmp_path):
    lines = skeleton_lines(one_body(2))
    lines[9] = 'abc ' + lines[9].split(' ', 1)[1]
    path = write_lines(tmp_path, 'S001C001P001R001A001', lines)
    with pytest.raises(InputFormatError, match=f'^{path}:10: malformed line: non-numeric x y z'):
        read_skeleton_file(path)
    lines = skeleton_lines(one_body(2))
    lines[12] = 'nan ' + lines[12].split(' ', 1)[1]
    path.write_text('\n'.join(lines))
    with pytest.raises(InputFormatError, match=f'^{path}:13: non-finite coordinate'):
        read_skeleton_file(path)


def test_short_joint_line_and_trailing_data(tmp_path):
    lines = skeleton_lines(one_body(2))
    lines[6] = lines[6].rsplit(' ', 1)[0]  # 11 values
    path = write_lines(tmp_path, 'S001C001P001R001A001', lines)
    with pytest.raises(InputFormatError, match=f'^{path}:7: malformed line: joint line has 11'):
        read_skeleton_file(path)
    path.write_text('\n'.join(skeleton_lines(one_body(2)) + ['', '1']))  # 57 lines, blank, 1
    with pytest.raises(InputFormatError, match=f'^{path}:59: trailing data'):
        read_skeleton_file(path)


def test_bad_files_are_reported_and_never_abort(tmp_path):
    folder = tmp_path / 'skeletons'
    write_skeleton(folder, 'S001C001P001R001A001', one_body())
    write_skeleton(folder, 'S001C001P001R001A061', one_body())  # no action 61 in NTU-60
    write_lines(folder, 'S001C001P002R001A003', ['0'])
    write_lines(folder, 'S001C001P004R001A004', skeleton_lines(one_body(2))[:40])
    write_lines(folder, 'notes', ['hello'])
    summary = convert_ntu([folder], 'ntu60', tmp_path / 'out.pkl', num_workers=2)

    assert summary.written == 1
    assert load(tmp_path / 'out.pkl')['split']['xsub_train'] == ['S001C001P001R001A001']
    messages = {r.category: r.message for r in summary.skipped}
    assert set(messages) == {
        'unknown action id',
        'empty sequence',
        'truncated file',
        'unrecognised file name',
    }
    assert messages['unknown action id'] == (
        f'{folder / "S001C001P001R001A061.skeleton"}: unknown action id: A061 is not an '
        'action of NTU RGB+D 60 (expected 1-60)'
    )
    assert messages['empty sequence'].startswith(f'{folder / "S001C001P002R001A003.skeleton"}:1:')
    assert f'{folder / "S001C001P004R001A004.skeleton"}:40:' in messages['truncated file']
    report = summary.format()
    for category in messages:
        assert f'{category}: 1' in report


def test_nothing_converted_writes_nothing(tmp_path):
    write_lines(tmp_path / 'in', 'S001C001P001R001A001', ['0'])
    summary = convert_ntu([tmp_path / 'in'], 'ntu60', tmp_path / 'out.pkl', num_workers=1)
    assert summary.written == 0 and not (tmp_path / 'out.pkl').exists()
    assert 'was not written' in summary.format()


def test_an_empty_raw_folder_is_named(tmp_path, ntu60_folder):
    """``tools/data/ntu_to_mmaction.py ntu60 EMPTY``: one error line naming the folder."""
    empty = tmp_path / 'nturgb+d_skeletons_120'
    empty.mkdir()
    proc = subprocess.run(
        [sys.executable, 'tools/data/ntu_to_mmaction.py', 'ntu120', str(ntu60_folder), str(empty)]
        + ['--out', str(tmp_path / 'out.pkl')],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        f'error: skeleton folder {empty} holds no *.skeleton file; give the folder the NTU '
        'archive unpacks to (nturgb+d_skeletons)'
    )
    assert not (tmp_path / 'out.pkl').exists()
