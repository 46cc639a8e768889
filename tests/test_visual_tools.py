"""tools/visualizations/visualize_mamp.py and tools/analysis_tools/plot_curves.py: real,
non-blank images with the titles, labels and choices a talk needs."""

import importlib.util
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
from mmengine.registry import DefaultScope
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / 'configs' / 'demo' / 'mamp_pretrain_demo.py'
DEMO_2D = REPO / 'configs' / 'demo' / 'mamp_pretrain_demo_2d.py'


def load_tool(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, REPO / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def visualize():
    return load_tool('tools/visualizations/visualize_mamp.py')


@pytest.fixture(scope='module')
def curves():
    return load_tool('tools/analysis_tools/plot_curves.py')


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


@pytest.fixture(scope='module')
def demo_3d(visualize):
    """Random-weight 3-D demo model, the test view of 1 clip per class and the settings."""
    cfg = Config.fromfile(str(DEMO))
    cfg.train_dataloader.dataset.num_per_class = 1
    with DefaultScope.overwrite_default_scope('mmaction'):
        torch.manual_seed(0)
        model = MODELS.build(cfg.model).eval()
        dataset = visualize.build_dataset(cfg)
        items = [dataset[i] for i in range(len(dataset))]
    return model, items, dataset.metainfo['classes'], visualize.masking_settings(cfg)


def test_contrast_pick_finds_clips_where_motion_aware_masking_hides_the_motion(visualize, demo_3d):
    model, items, classes, (ratio, tau) = demo_3d
    assert (ratio, tau) == (0.9, 0.8)
    chosen = visualize.contrast_indices(items, 3, ratio, tau, 4, seed=0)
    labels = [int(items[i]['data_samples'].gt_label) for i in chosen]
    assert len(set(labels)) == 3  # one clip per action
    shares = []
    for index in range(len(items)):
        skeleton = visualize.first_person(items[index])
        motion = visualize.token_motion(skeleton, 4, 1)[0].numpy()
        aware, uniform = visualize.sample_masks(skeleton, ratio, tau, 4, seed=index)
        shares.append(
            visualize.visible_motion(aware[0].numpy(), motion)
            / visualize.visible_motion(uniform[0].numpy(), motion)
        )
    assert shares[chosen[0]] == min(shares)
    # on the chosen clip the motion-aware mask leaves clearly less motion visible
    assert shares[chosen[0]] < 0.5


def test_figure_names_the_action_and_the_joints(visualize, demo_3d):
    model, items, classes, (ratio, tau) = demo_3d
    item = items[0]
    result = visualize.predict(model, visualize.first_person(item), ratio, tau, seed=0)
    layout = visualize.LAYOUTS[25]
    title = f'{classes[0]} (clip 0): mask ratio {ratio}, tau {tau}'
    fig = visualize.draw_figure(result, layout, 4, title)
    assert fig._suptitle.get_text().startswith('raise_right_arm (clip 0)')
    axes = fig.get_axes()
    grid = [ax for ax in axes if ax.get_title().startswith('motion-aware mask')]
    (aware,) = grid
    labels = [t.get_text() for t in aware.get_yticklabels()]
    assert labels[:4] == ['spine_base', 'spine_mid', 'neck', 'head'] and len(labels) == 25
    assert 'visible ones (blue) move' in aware.get_title()
    assert any(ax.get_ylabel().startswith('token motion') for ax in axes)  # the colour bar
    (motion_panel,) = [ax for ax in axes if ax.get_title().startswith('decoder output for')]
    assert "in the loss's units" in motion_panel.get_title()
    (strip,) = [ax for ax in axes if ax.get_title().startswith('skeleton over time')]
    letters = sorted(t.get_text() for t in strip.texts if len(t.get_text()) == 1)
    assert letters == ['L'] * 6 + ['R'] * 6  # both hands marked on every snapshot


def test_the_pictures_number_is_the_pre_training_loss(visualize, demo_3d):
    """The motion panel shows the decoder's output in the loss's units and its title's loss
    is what ``MAMP.loss`` computes for the same clip and mask."""
    model, items, classes, (ratio, tau) = demo_3d
    skeleton = visualize.first_person(items[5])
    result = visualize.predict(model, skeleton, ratio, tau, seed=3)
    mask = torch.as_tensor(result.motion_mask).reshape(1, -1)
    with torch.no_grad():
        latent, ids_keep = model.backbone.forward_visible(skeleton, mask)
        loss = model.head.loss(latent, ids_keep, mask, skeleton)['loss']
    assert result.hidden_mse(result.predicted) == pytest.approx(float(loss), rel=1e-5)
    # normalised per token: mean 0; standard deviation near 1 where the joint moves (the
    # normalisation's epsilon shrinks the noise of still joints towards 0)
    tokens = result.target.reshape(*result.target.shape[:2], -1)
    np.testing.assert_allclose(tokens.mean(axis=-1), 0.0, atol=1e-5)
    spread = tokens.std(axis=-1, ddof=1)
    assert spread.max() <= 1.0 + 1e-5
    assert spread.flat[result.token_motion.argmax()] > 0.9  # the most-moving token


def test_2d_layout_draws_coco_keypoints(visualize):
    cfg = Config.fromfile(str(DEMO_2D))
    cfg.train_dataloader.dataset.num_per_class = 1
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(cfg.model).eval()
        item = visualize.build_dataset(cfg)[3]
    skeleton = visualize.first_person(item)
    assert tuple(skeleton.shape) == (1, 32, 17, 2)  # the k-NN view: 2-D, centred, cropped
    result = visualize.predict(model, skeleton, 0.9, 0.8, seed=0)
    fig = visualize.draw_figure(result, visualize.LAYOUTS[17], 4, 'lower_left_arm (clip 3)')
    labels = [t.get_text() for ax in fig.get_axes() for t in ax.get_yticklabels()]
    assert 'left_wrist' in labels


@pytest.mark.slow
def test_visualize_mamp_writes_png_and_gif(tmp_path):
    cfg = Config.fromfile(str(DEMO))
    model = MODELS.build(cfg.model)
    checkpoint = tmp_path / 'demo.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)
    out = tmp_path / 'vis'
    proc = run_tool(
        'tools/visualizations/visualize_mamp.py', str(DEMO), str(checkpoint), '--out', str(out),
        '--num-samples', '2', '--gif', '--pick', 'spread',
        '--cfg-options', 'train_dataloader.dataset.num_per_class=2',
    )  # fmt: skip
    pngs, gifs = sorted(out.glob('*.png')), sorted(out.glob('*.gif'))
    # 20 clips, two evenly spread ones: the first of class 0 and the last of class 9
    assert [p.name for p in pngs] == ['00000_raise_right_arm.png', '00019_stand_up.png']
    assert [g.stem for g in gifs] == [p.stem for p in pngs]
    assert 'wrote' in proc.stdout
    for png in pngs:
        assert_picture(png, (900, 700))
    gif = assert_picture(gifs[0], (200, 200))
    assert gif.n_frames == cfg.model.backbone.num_frames  # one frame per clip frame


def write_scalars(run_dir: Path) -> Path:
    (run_dir / 'vis_data').mkdir(parents=True)
    records = [dict(lr=1e-3 * min(i, 5) / 5, loss=2.0 if i <= 5 else 1.0 / i, step=i)
               for i in range(1, 21)]  # fmt: skip
    records += [{'knn/top1': 40.0, 'knn/top5': 80.0, 'step': 10}]
    records += [{'knn/top1': 55.0, 'knn/top5': 90.0, 'step': 20}]
    records += [{'knn_random_init/top1': 42.0, 'knn_random_init/top5': 81.0, 'step': 20}]
    scalars = run_dir / 'vis_data' / 'scalars.json'
    scalars.write_text('\n'.join(json.dumps(r) for r in records) + '\n')
    return scalars


def test_curves_are_titled_with_the_run_and_zoom_past_the_warmup(curves, tmp_path):
    scalars = write_scalars(tmp_path / 'mamp_pretrain_demo' / '20260101_000000')
    assert curves.run_name(str(scalars)) == 'mamp_pretrain_demo (run 20260101_000000)'
    series = curves.read_scalars(str(scalars))
    assert series['knn/top1'] == ([10, 20], [40.0, 55.0])
    assert series['knn_random_init/top5'] == ([20], [81.0])
    assert curves.warmup_end(series) == 5
    low, high = curves.loss_limits(series)
    assert high < 2.0 and low < 1.0 / 20 < 1.0 / 6 < high  # the warm-up values are cut off
    fig = curves.plot_curves(series, curves.run_name(str(scalars)))
    assert fig._suptitle.get_text() == 'mamp_pretrain_demo (run 20260101_000000)'
    loss_ax, _, knn_ax = fig.get_axes()
    assert loss_ax.get_title() == 'loss (5 warm-up values above the axis)'
    legend = [t.get_text() for t in knn_ax.get_legend().get_texts()]
    assert legend == [
        'pre-trained top1',
        'random init top1',
        'pre-trained top5',
        'random init top5',
    ]


@pytest.mark.slow
def test_plot_curves_command_line(tmp_path):
    write_scalars(tmp_path / 'work' / '20260101_000000')
    proc = run_tool('tools/analysis_tools/plot_curves.py', str(tmp_path / 'work'))
    png = tmp_path / 'work' / 'curves.png'
    assert f'wrote {png}' in proc.stdout
    assert_picture(png, (1000, 250))


def test_plot_curves_names_the_bad_line(curves, tmp_path):
    (tmp_path / 'vis_data').mkdir()
    (tmp_path / 'vis_data' / 'scalars.json').write_text('{"loss": 1.0, "step": 1}\n{oops\n')
    with pytest.raises(ValueError, match='scalars.json:2: not a JSON record'):
        curves.read_scalars(str(tmp_path / 'vis_data' / 'scalars.json'))
