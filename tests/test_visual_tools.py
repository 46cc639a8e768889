"""tools/visualizations/visualize_mamp.py and tools/analysis_tools/plot_curves.py write real, non-blank images."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / 'configs' / 'demo' / 'mamp_pretrain_demo.py'


def run_tool(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def assert_picture(path: Path, min_size: tuple) -> Image.Image:
    """The file is an image at least ``min_size`` pixels with visible content."""
    assert path.stat().st_size > 0
    image = Image.open(path)
    assert image.size[0] >= min_size[0] and image.size[1] >= min_size[1]
    pixels = np.asarray(image.convert('L'), dtype=np.float32)
    assert pixels.std() > 10  # not a blank canvas
    return image


@pytest.mark.slow
def test_visualize_mamp_writes_png_and_gif(tmp_path):
    cfg = Config.fromfile(str(DEMO))
    model = MODELS.build(cfg.model)
    checkpoint = tmp_path / 'demo.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)
    out = tmp_path / 'vis'
    proc = run_tool(
        'tools/visualizations/visualize_mamp.py', str(DEMO), str(checkpoint), '--out', str(out),
        '--num-samples', '2', '--gif',
        '--cfg-options', 'train_dataloader.dataset.num_per_class=2',
    )  # fmt: skip
    pngs, gifs = sorted(out.glob('*.png')), sorted(out.glob('*.gif'))
    # 20 clips, two evenly spread ones: the first of class 0 and the last of class 9
    assert [p.name for p in pngs] == ['00000_wave_hand.png', '00019_push.png']
    assert [g.stem for g in gifs] == [p.stem for p in pngs]
    assert 'wrote' in proc.stdout
    for png in pngs:
        assert_picture(png, (800, 600))
    gif = assert_picture(gifs[0], (200, 200))
    assert gif.n_frames == cfg.model.backbone.num_frames  # one frame per clip frame


def test_plot_curves_reads_scalars_and_draws(tmp_path):
    run_dir = tmp_path / 'work' / '20260101_000000'
    (run_dir / 'vis_data').mkdir(parents=True)
    records = [dict(lr=1e-3 * i, loss=1.0 / i, epoch=1, iter=i, step=i) for i in range(1, 11)]
    records += [{'knn/top1': 40.0, 'knn/top5': 80.0, 'step': 5}]
    records += [{'knn/top1': 55.0, 'knn/top5': 90.0, 'step': 10}]
    records += [{'knn_random_init/top1': 42.0, 'knn_random_init/top5': 81.0, 'step': 10}]
    scalars = run_dir / 'vis_data' / 'scalars.json'
    scalars.write_text('\n'.join(json.dumps(r) for r in records) + '\n')

    proc = run_tool('tools/analysis_tools/plot_curves.py', str(tmp_path / 'work'))
    png = tmp_path / 'work' / 'curves.png'
    assert f'wrote {png}' in proc.stdout
    assert_picture(png, (1000, 250))

    sys.path.insert(0, str(REPO / 'tools' / 'analysis_tools'))
    try:
        from plot_curves import read_scalars
    finally:
        sys.path.remove(str(REPO / 'tools' / 'analysis_tools'))
    series = read_scalars(str(scalars))
    assert series['knn/top1'] == ([5, 10], [40.0, 55.0])
    assert series['loss'][0] == list(range(1, 11))
    assert series['knn_random_init/top5'] == ([10], [81.0])


def test_plot_curves_names_the_bad_line(tmp_path):
    (tmp_path / 'vis_data').mkdir()
    (tmp_path / 'vis_data' / 'scalars.json').write_text('{"loss": 1.0, "step": 1}\n{oops\n')
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/plot_curves.py', str(tmp_path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode != 0
    assert 'scalars.json:2: not a JSON record' in proc.stderr
