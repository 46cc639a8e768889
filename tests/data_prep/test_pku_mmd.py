"""PKU-MMD skeleton + label files -> clip pickles."""

import pickle

import numpy as np
import pytest

from mmaction_mamp.preparation import convert_pku
from mmaction_mamp.preparation.pku_mmd import read_pku_skeleton, read_split_file
from mmaction_mamp.preparation.records import InputFormatError

from prep_fixtures import write_pku_video, write_split


def video_frames(num_frames: int, zero: range = range(0)) -> np.ndarray:
    """(N, 150): value of body b, joint j, coord c in frame t = (b+1)*(t+1) + 0.01 j + 0.001 c."""
    t = np.arange(num_frames)[:, None, None, None]
    b = np.arange(2)[None, :, None, None]
    j = np.arange(25)[None, None, :, None]
    c = np.arange(3)[None, None, None, :]
    frames = (b + 1) * (t + 1) + 0.01 * j + 0.001 * c
    frames[list(zero)] = 0
    return frames.reshape(num_frames, 150)


@pytest.fixture
def pku(tmp_path):
    root = tmp_path / 'pku_mmd'
    rows = [
        '5,0,10,1',  # line 1: 10 frames, label 4
        '51,10,330,1',  # line 2: ends after the 320 frames -> [10, 320) -> first 300
        '7,100,120,1',  # line 3: all-zero frames
        '52,0,5,1',  # line 4: unknown action id
        '3,50,50,1',  # line 5: empty
        '3,400,410,1',  # line 6: outside the skeleton
        '3,x,5,1',  # line 7: malformed
    ]
    write_pku_video(root, '0002-L', video_frames(320, zero=range(100, 120)), rows)
    write_pku_video(root, '0003-M', video_frames(20), ['1,2,20,2'])
    skeleton, _ = write_pku_video(root, '0004-R', video_frames(6), ['2,0,6,1'])
    lines = skeleton.read_text().splitlines()
    lines[2] = lines[2].rsplit(' ', 4)[0]  # line 3 loses 3 values
    skeleton.write_text('\n'.join(lines) + '\n')
    write_split(root / 'cross-subject.txt', ['0002-L', '0009-L'], ['0003-M', '0004-R'])
    write_split(root / 'cross-view.txt', ['0003-M'], ['0002-L', '0004-R'])
    return root


def convert(root, out, workers=1):
    return convert_pku(
        root / 'skeleton',
        root / 'label',
        root / 'cross-subject.txt',
        root / 'cross-view.txt',
        out,
        num_workers=workers,
    )


def test_clips_numbers_and_splits(pku, tmp_path):
    summary = convert(pku, tmp_path / 'pku1_3d.pkl', workers=2)
    with open(tmp_path / 'pku1_3d.pkl', 'rb') as stream:
        data = pickle.load(stream)

    clips = {a['frame_dir']: a for a in data['annotations']}
    assert list(clips) == ['0002-L_001', '0002-L_002', '0003-M_001']
    assert [a['label'] for a in clips.values()] == [4, 50, 0]
    assert [a['total_frames'] for a in clips.values()] == [10, 300, 18]
    short, long, other = clips.values()
    assert short['keypoint'].shape == (2, 10, 25, 3) and short['keypoint'].dtype == np.float32
    # body 1, clip frame 3 (= video frame 3), joint 2, y: 2 * 4 + 0.02 + 0.001
    assert short['keypoint'][1, 3, 2, 1] == pytest.approx(8.021, abs=1e-5)
    # first 300 frames of [10, 320): the last kept frame is video frame 309 -> 1 * 310
    assert long['keypoint'][0, 299, 0, 0] == pytest.approx(310.0)
    assert not long['keypoint'][:, 90:110].any()  # video frames 100-119 are zero, kept as is
    assert other['keypoint'][1, 0, 24, 2] == pytest.approx(2 * 3 + 0.24 + 0.002, abs=1e-5)
    assert data['split'] == {
        'xsub_train': ['0002-L_001', '0002-L_002'],
        'xsub_val': ['0003-M_001'],
        'xview_train': ['0003-M_001'],
        'xview_val': ['0002-L_001', '0002-L_002'],
    }

    skipped = {r.name: (r.category, r.message) for r in summary.skipped}
    label = pku / 'label' / '0002-L.txt'
    assert skipped['0002-L_003'] == (
        'all-zero clip',
        f'{label}:3: all-zero clip: clip [100, 120) is all zero',
    )
    assert skipped['0002-L_004'] == (
        'unknown action id',
        f'{label}:4: unknown action id: label 52 is outside 1-51',
    )
    assert (
        skipped['0002-L_005'][0] == 'empty sequence' and f'{label}:5:' in skipped['0002-L_005'][1]
    )
    assert skipped['0002-L_006'][0] == 'clip outside skeleton'
    assert skipped['0002-L_007'][0] == 'malformed line'
    assert skipped['0004-R'] == (
        'wrong joint count',
        f'{pku / "skeleton" / "0004-R.txt"}:3: wrong joint count: 147 values, expected 150 '
        '(2 bodies x 25 joints x 3 coordinates)',
    )
    assert any('ends after the 320-frame skeleton' in note for note in summary.notes)
    assert any(
        "1 xsub training videos have no label file (first: ['0009-L'])" in note
        for note in summary.notes
    )


def test_skeleton_and_split_errors(tmp_path):
    empty = tmp_path / 'empty.txt'
    empty.write_text('\n\n')
    with pytest.raises(InputFormatError, match=f'^{empty}: empty sequence'):
        read_pku_skeleton(empty)
    bad = tmp_path / 'nan.txt'
    bad.write_text(' '.join(['1'] * 150) + '\n' + ' '.join(['nan'] * 150) + '\n')
    with pytest.raises(InputFormatError, match=f'^{bad}:2: non-finite coordinate'):
        read_pku_skeleton(bad)
    split = tmp_path / 'cross-view.txt'
    split.write_text('Training videos:\n')
    with pytest.raises(InputFormatError, match=f'^{split}:2: malformed split file'):
        read_split_file(split)
    split.write_text('Training videos:\n0002-L, 0003-M,\n')
    assert read_split_file(split) == {'0002-L', '0003-M'}
