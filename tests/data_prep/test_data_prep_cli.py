"""The tools/data commands: --help, progress bar, final summary, exit status."""

import importlib.util
import pickle
from pathlib import Path

import numpy as np
import pytest

from prep_fixtures import upright, write_pku_video, write_skeleton, write_split

TOOLS = Path(__file__).resolve().parents[2] / 'tools' / 'data'


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ('tool', 'expected'),
    [
        ('ntu_to_mmaction', '--missing-list'),
        ('ntu_npz_to_mmaction', '--benchmark'),
        ('pku_mmd_to_mmaction', '--xview-split'),
    ],
)
def test_help(tool, expected, capsys):
    with pytest.raises(SystemExit) as stop:
        load_tool(tool).main(['--help'])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert expected in text and '--skipped-list' in text


def test_ntu_command(tmp_path, capsys):
    folder = tmp_path / 'skeletons'
    write_skeleton(folder, 'S001C001P001R001A001', [[('1', upright(1.0))]] * 3)
    write_skeleton(folder, 'S001C002P002R001A002', [[]])
    out, skipped = tmp_path / 'ntu60_3d.pkl', tmp_path / 'skipped.tsv'
    argv = ['ntu60', str(folder), '--out', str(out), '--num-workers', '2']
    status = load_tool('ntu_to_mmaction').main(argv + ['--skipped-list', str(skipped)])
    captured = capsys.readouterr()
    assert status == 0 and out.exists()
    assert 'written: 1 samples' in captured.out and 'no body: 1' in captured.out
    assert 'ntu60 .skeleton' in captured.err  # the tqdm bar
    assert skipped.read_text().startswith('S001C002P002R001A002\tno body\t')


def test_npz_and_pku_commands(tmp_path, capsys):
    x = np.zeros((1, 300, 150), np.float32)
    x[0, :4] = 1
    npz = tmp_path / 'NTU60_XView.npz'
    np.savez(npz, x_train=x, y_train=np.eye(60)[[2]], x_test=x, y_test=np.eye(60)[[3]])
    assert load_tool('ntu_npz_to_mmaction').main([str(npz), '--out', str(tmp_path / 'a.pkl')]) == 0
    with open(tmp_path / 'a.pkl', 'rb') as stream:
        assert set(pickle.load(stream)['split']) == {'xview_train', 'xview_val'}

    write_pku_video(tmp_path, '0002-L', np.ones((5, 150)), ['3,0,5,1'])
    write_split(tmp_path / 'xsub.txt', ['0002-L'], [])
    write_split(tmp_path / 'xview.txt', ['0005-R'], ['0002-L'])
    argv = ['--skeleton-dir', str(tmp_path / 'skeleton'), '--label-dir', str(tmp_path / 'label')]
    argv += [
        '--xsub-split',
        str(tmp_path / 'xsub.txt'),
        '--xview-split',
        str(tmp_path / 'xview.txt'),
    ]
    argv += ['--out', str(tmp_path / 'pku.pkl'), '--num-workers', '1']
    assert load_tool('pku_mmd_to_mmaction').main(argv) == 0
    assert 'xsub_train: 1' in capsys.readouterr().out


def test_nothing_written_exits_non_zero(tmp_path, capsys):
    write_skeleton(tmp_path / 'in', 'S001C001P001R001A001', [[]])
    argv = ['ntu60', str(tmp_path / 'in'), '--out', str(tmp_path / 'x.pkl'), '--num-workers', '1']
    assert load_tool('ntu_to_mmaction').main(argv) == 1
    assert 'was not written' in capsys.readouterr().out


def test_unusable_split_file_exits_with_a_message(tmp_path, capsys):
    write_pku_video(tmp_path, '0002-L', np.ones((5, 150)), ['3,0,5,1'])
    (tmp_path / 'xsub.txt').write_text('Training videos:\n')
    argv = ['--skeleton-dir', str(tmp_path / 'skeleton'), '--label-dir', str(tmp_path / 'label')]
    argv += [
        '--xsub-split',
        str(tmp_path / 'xsub.txt'),
        '--xview-split',
        str(tmp_path / 'xsub.txt'),
    ]
    argv += ['--out', str(tmp_path / 'pku.pkl')]
    assert load_tool('pku_mmd_to_mmaction').main(argv) == 2
    assert f'error: {tmp_path / "xsub.txt"}:2: malformed split file' in capsys.readouterr().err
