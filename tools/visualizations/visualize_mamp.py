"""Picture what MAMP hides and predicts, one PNG (and optionally a GIF) per sample.

Each figure shows, for the first person of a clip, titled with its action name:

* the skeleton over time (front view, a few frames of the clip), joints whose token the
  motion-aware mask hides in red,
* the token grid (time patch x named joint) with the token motion that drives the
  motion-aware sampler (grey, with a colour bar) and the tokens each mask leaves visible
  (blue): the motion-aware mask beside a uniform random mask of the same ratio, each titled
  with how much the tokens it leaves visible move compared with the clip's average token,
* the true motion of the most-moving hidden joint against the decoder's prediction.

By default the clips are chosen to show what motion-aware masking does: those (one per
action) where the tokens the motion-aware mask leaves visible move least compared with the
uniform mask's (``--pick contrast``); ``--pick spread`` takes evenly spread clips instead.

The decoder predicts per-token normalised motion; as in the MAE visualisation, the
prediction is brought back to input units per frame with the mean and standard deviation of
the true token. 3-D (NTU-25) and 2-D (COCO-17) configs both work.

Example (after ``python tools/train.py configs/demo/mamp_pretrain_demo.py``)::

    python tools/visualizations/visualize_mamp.py configs/demo/mamp_pretrain_demo.py \
        work_dirs/mamp_pretrain_demo/epoch_150.pth --out work_dirs/vis --num-samples 2 --gif
"""

import argparse
import os
import os.path as osp
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')  # files only, no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib import animation  # noqa: E402
from mmaction.registry import DATASETS, MODELS  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

import mmaction_mamp  # noqa: E402,F401  (registers the plugin)
from mmaction_mamp.apis.inference import load_checkpoint_state, load_weights  # noqa: E402
from mmaction_mamp.datasets.coco_layout import COCO_KEYPOINTS  # noqa: E402
from mmaction_mamp.datasets.synthetic.skeleton import JOINT_NAMES, PARENTS  # noqa: E402
from mmaction_mamp.datasets.transforms.motion_masking import (  # noqa: E402
    motion_aware_mask,
    token_motion,
)
from mmaction_mamp.utils.skeleton_tokens import frame_motion, patchify  # noqa: E402

SNAPSHOTS = 6  # frames drawn in the skeleton strip
HIDDEN, VISIBLE = (0.84, 0.15, 0.16), (0.12, 0.47, 0.71)
NTU_BONES = tuple((joint, parent) for joint, parent in enumerate(PARENTS) if parent >= 0)
COCO_BONES = (
    (0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10),
    (5, 11), (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """Joint names, bones and orientation of a skeleton format.

    Attributes:
        joint_names: name of every joint.
        bones: (joint, parent) pairs.
        y_down: 2-D image coordinates grow downwards; False: 3-D Kinect coordinates (y up,
            x growing to the sensor's left), drawn turned to face the camera.
        shoulders: (left, right) shoulder joints, to turn a 3-D body to the camera.
    """

    joint_names: Tuple[str, ...]
    bones: Tuple[Tuple[int, int], ...]
    y_down: bool
    shoulders: Tuple[int, int]


LAYOUTS = {
    len(JOINT_NAMES): Layout(JOINT_NAMES, NTU_BONES, y_down=False, shoulders=(4, 8)),
    len(COCO_KEYPOINTS): Layout(COCO_KEYPOINTS, COCO_BONES, y_down=True, shoulders=(5, 6)),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAMP pre-training config')
    parser.add_argument('checkpoint', help='pre-training checkpoint of that config')
    parser.add_argument('--out', required=True, help='directory for the pictures')
    parser.add_argument('--num-samples', type=int, default=2, help='clips to draw')
    parser.add_argument(
        '--pick',
        choices=('contrast', 'spread'),
        default='contrast',
        help='contrast: clips where motion-aware masking differs most from uniform masking '
        '(one per action); spread: evenly spread clips',
    )
    parser.add_argument('--gif', action='store_true', help='also write an animated GIF')
    parser.add_argument('--seed', type=int, default=0, help='seed of both masks')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config entries'
    )
    return parser.parse_args()


@dataclass
class MaskedPrediction:
    """Everything drawn for one clip's first person (numpy, T frames, V joints, TP patches).

    Attributes:
        skeleton: (T, V, C) joint positions.
        token_motion: (TP, V) motion that drives the motion-aware sampler.
        motion_mask: (TP, V) bool, True = hidden by the motion-aware mask.
        uniform_mask: (TP, V) bool, True = hidden by a uniform mask of the same ratio.
        true_motion: (T, V, C) frame motion x[t+1] - x[t].
        predicted_motion: (T, V, C) decoder prediction in the same units.
    """

    skeleton: np.ndarray
    token_motion: np.ndarray
    motion_mask: np.ndarray
    uniform_mask: np.ndarray
    true_motion: np.ndarray
    predicted_motion: np.ndarray


def masking_settings(cfg: Config) -> Tuple[float, float]:
    """Mask ratio and tau of the config's ``MotionAwareMasking`` (else the model's)."""
    for transform in cfg.train_dataloader.dataset.get('pipeline', []):
        if transform.get('type') == 'MotionAwareMasking':
            return transform.get('mask_ratio', 0.9), transform.get('tau', 0.8)
    return cfg.model.get('mask_ratio', 0.9), cfg.model.get('tau', 0.8)


def test_view_pipeline(cfg: Config) -> List[dict]:
    """The k-NN monitor's pipeline when the config has one (its test view of the same
    data: centre crop, no augmentation, no mask), else the 3-D centre crop."""
    for hook in cfg.get('custom_hooks', []):
        if hook.get('type') == 'KNNMonitorHook':
            return [dict(t) for t in hook['val_dataloader']['dataset']['pipeline']]
    return [
        dict(type='ValidCropResize', clip_len=cfg.model.backbone.num_frames, p_interval=(0.95,)),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs'),
    ]


def build_dataset(cfg: Config):
    """The pre-training data with the test view."""
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.pipeline = test_view_pipeline(cfg)
    dataset_cfg.test_mode = True
    return DATASETS.build(dataset_cfg)


def first_person(item: dict) -> torch.Tensor:
    """(1, T, V, C) skeleton of clip 0, person 0 of a packed sample."""
    return torch.as_tensor(item['inputs'][0, :1], dtype=torch.float32)


def sample_masks(skeleton: torch.Tensor, ratio: float, tau: float, u: int, seed: int):
    """Motion-aware and uniform masks of one person from the same seed: 2 x (1, L) bool."""
    generator = torch.Generator().manual_seed(seed)
    length = (skeleton.shape[1] // u) * skeleton.shape[2]
    noise = torch.rand(2, 1, length, generator=generator)
    return (
        motion_aware_mask(skeleton, ratio, tau, u, 1, noise[0]),
        motion_aware_mask(skeleton, ratio, 0.0, u, 1, noise[1]),
    )


def visible_motion(mask: np.ndarray, motion: np.ndarray) -> float:
    """Mean motion of the tokens a mask leaves visible, relative to the mean of all tokens."""
    return float(motion[~mask].mean() / max(motion.mean(), 1e-12))


def tokens_to_frames(tokens: torch.Tensor, temporal_patch: int, num_joints: int) -> torch.Tensor:
    """Undo ``patchify`` for p = 1: (B, L, u*C) -> (B, T, V, C)."""
    b, length, _ = tokens.shape
    grid = tokens.reshape(b, length // num_joints, num_joints, temporal_patch, -1)
    return grid.permute(0, 1, 3, 2, 4).reshape(b, -1, num_joints, grid.shape[-1])


@torch.no_grad()
def predict(model, skeleton: torch.Tensor, ratio: float, tau: float, seed: int):
    """Masks and motion prediction for one person.

    Args:
        skeleton: (1, T, V, C).

    Returns:
        ``MaskedPrediction`` of that person.
    """
    backbone, head = model.backbone, model.head
    u, p = backbone.temporal_patch_size, backbone.spatial_patch_size
    if p != 1:
        raise ValueError(f'the pictures assume one joint per token, the model has p={p}')
    grid = backbone.num_temporal_patches, backbone.num_spatial_patches
    motion_mask, uniform_mask = sample_masks(skeleton, ratio, tau, u, seed)
    latent, ids_keep = backbone.forward_visible(skeleton, motion_mask)
    predicted = head(latent, ids_keep)  # (1, L, u*C), normalised per token
    true_tokens = patchify(frame_motion(skeleton), u, p).flatten(1, 2)
    mean = true_tokens.mean(dim=-1, keepdim=True)
    std = (true_tokens.var(dim=-1, keepdim=True) + 1e-6).sqrt()
    predicted = predicted * std + mean
    return MaskedPrediction(
        skeleton=skeleton[0].numpy(),
        token_motion=token_motion(skeleton, u, p).reshape(grid).numpy(),
        motion_mask=motion_mask.reshape(grid).numpy(),
        uniform_mask=uniform_mask.reshape(grid).numpy(),
        true_motion=frame_motion(skeleton)[0].numpy(),
        predicted_motion=tokens_to_frames(predicted, u, grid[1])[0].numpy(),
    )


def front_view(skeleton: np.ndarray, layout: Layout) -> np.ndarray:
    """(T, V, C) coordinates -> (T, V, 2) drawn from the front, y up.

    2-D image coordinates have y growing downwards (flipped here). A 3-D body is first
    turned about the vertical axis until its mean shoulder line is parallel to the image
    (so the movement is seen face on whatever the camera's angle); Kinect's x grows to the
    sensor's left (mirrored here).
    """
    if layout.y_down:
        return np.stack([skeleton[..., 0], -skeleton[..., 1]], axis=-1)
    left, right = layout.shoulders
    across = (skeleton[:, right] - skeleton[:, left]).mean(axis=0)
    angle = np.arctan2(across[2], across[0])
    x = np.cos(angle) * skeleton[..., 0] + np.sin(angle) * skeleton[..., 2]
    return np.stack([-x, skeleton[..., 1]], axis=-1)


def draw_skeleton_strip(ax, result: MaskedPrediction, layout: Layout, u: int) -> None:
    """Snapshots side by side; joints hidden by the motion-aware mask in red."""
    frames = np.linspace(0, len(result.skeleton) - 1, SNAPSHOTS).round().astype(int)
    xy = front_view(result.skeleton, layout)
    width = np.ptp(xy[..., 0]) + 0.25 * np.ptp(xy[..., 1])
    for i, frame in enumerate(frames):
        pose = xy[frame] + np.array([i * width, 0.0])
        for joint, parent in layout.bones:
            ax.plot(*pose[[joint, parent]].T, color='0.35', lw=1.5)
        hidden = result.motion_mask[frame // u]
        ax.scatter(*pose[~hidden].T, s=12, color=VISIBLE, zorder=3)
        ax.scatter(*pose[hidden].T, s=12, color=HIDDEN, zorder=3)
        ax.text(pose[:, 0].mean(), xy[..., 1].min() - 0.08 * np.ptp(xy[..., 1]),
                f'frame {frame}', ha='center')  # fmt: skip
    ax.set_aspect('equal')
    ax.axis('off')
    ax.set_title('skeleton over time (red: joints whose token the motion-aware mask hides)')


def draw_mask(ax, mask: np.ndarray, motion: np.ndarray, title: str, layout: Layout):
    """Token grid (named joints x time patches): motion in grey, visible tokens in blue.

    Returns:
        the motion image, for the colour bar.
    """
    image = ax.imshow(motion.T, cmap='Greys', aspect='auto', origin='lower', vmin=0)
    overlay = np.zeros(mask.T.shape + (4,))
    overlay[~mask.T] = (*VISIBLE, 0.85)
    ax.imshow(overlay, aspect='auto', origin='lower')
    ax.set_title(
        f'{title}: hides {100 * mask.mean():.0f} % of the tokens;\nthe visible ones (blue) '
        f'move {visible_motion(mask, motion):.2f}x the average token'
    )
    ax.set_xlabel('time patch')
    ax.set_yticks(range(len(layout.joint_names)), layout.joint_names, fontsize=7)
    return image


def draw_motion(ax, result: MaskedPrediction, layout: Layout, u: int) -> None:
    """True vs predicted frame motion of the most-moving joint, on its hidden tokens."""
    joint = int((result.token_motion * result.motion_mask).sum(axis=0).argmax())
    hidden = np.repeat(result.motion_mask[:, joint], u)
    frames = np.arange(len(hidden))
    colours = ('tab:red', 'tab:green', 'tab:blue')
    for axis in range(result.true_motion.shape[-1]):
        name, colour = 'xyz'[axis], colours[axis]
        ax.plot(frames, result.true_motion[:, joint, axis], color=colour, lw=1.5,
                label=f'{name} true')  # fmt: skip
        predicted = np.where(hidden, result.predicted_motion[:, joint, axis], np.nan)
        ax.plot(frames, predicted, color=colour, lw=1.5, ls='--', label=f'{name} predicted')
    for start in np.flatnonzero(~result.motion_mask[:, joint]) * u:
        ax.axvspan(start - 0.5, start + u - 0.5, color='0.9', zorder=0)
    ax.set_title(
        f'motion of the {layout.joint_names[joint]}: true vs predicted on its hidden tokens '
        '(grey band: visible)'
    )
    ax.set_xlabel('frame')
    ax.set_ylabel('x[t+1] - x[t]')
    ax.legend(ncol=3, fontsize='small')


def draw_figure(result: MaskedPrediction, layout: Layout, u: int, title: str) -> plt.Figure:
    """The three rows of one sample's picture."""
    fig = plt.figure(figsize=(13, 11), layout='constrained')
    rows = fig.subfigures(3, 1, height_ratios=(1.0, 1.1, 0.9))
    draw_skeleton_strip(rows[0].subplots(), result, layout, u)
    mask_axes = rows[1].subplots(1, 2, sharey=True)
    image = draw_mask(
        mask_axes[0], result.motion_mask, result.token_motion, 'motion-aware mask', layout
    )
    draw_mask(mask_axes[1], result.uniform_mask, result.token_motion, 'uniform mask', layout)
    rows[1].colorbar(image, ax=mask_axes, label='token motion (mean |difference| of patches)')
    draw_motion(rows[2].subplots(), result, layout, u)
    fig.suptitle(title, fontsize='x-large')
    return fig


def write_gif(result: MaskedPrediction, layout: Layout, u: int, title: str, path: str) -> None:
    """Animated skeleton, joints hidden by the motion-aware mask in red."""
    xy = front_view(result.skeleton, layout)
    fig, ax = plt.subplots(figsize=(4, 5))
    margin = 0.05 * np.ptp(xy.reshape(-1, 2), axis=0)
    lo, hi = xy.reshape(-1, 2).min(axis=0) - margin, xy.reshape(-1, 2).max(axis=0) + margin
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), aspect='equal')
    ax.axis('off')
    lines = [ax.plot([], [], color='0.35', lw=2)[0] for _ in layout.bones]
    joints = ax.scatter(xy[0, :, 0], xy[0, :, 1], s=16)

    def update(frame: int) -> List:
        for line, (joint, parent) in zip(lines, layout.bones):
            line.set_data(*xy[frame, [joint, parent]].T)
        hidden = result.motion_mask[frame // u]
        joints.set_offsets(xy[frame])
        joints.set_color(np.where(hidden[:, None], [HIDDEN], [VISIBLE]))
        ax.set_title(f'{title}\nframe {frame} (red: hidden)', fontsize='small')
        return [*lines, joints]

    frames = range(len(xy))
    animation.FuncAnimation(fig, update, frames=frames).save(path, writer='pillow', fps=15)
    plt.close(fig)


def spread_indices(num_items: int, num_samples: int) -> List[int]:
    """Evenly spread indices (different classes in class-sorted data)."""
    if num_items == 0:
        raise ValueError('the config dataset is empty')
    return sorted(set(np.linspace(0, num_items - 1, num_samples).round().astype(int).tolist()))


def contrast_indices(
    items: Sequence[dict], num_samples: int, ratio: float, tau: float, u: int, seed: int
) -> List[int]:
    """Clips, one per action, where motion-aware masking leaves visible the least motion
    compared with a uniform mask (``visible_motion`` ratio of the two), best first."""
    if not items:
        raise ValueError('the config dataset is empty')
    scores = []
    for index, item in enumerate(items):
        skeleton = first_person(item)
        motion = token_motion(skeleton, u, 1)[0].numpy()
        masks = sample_masks(skeleton, ratio, tau, u, seed + index)
        aware, uniform = (visible_motion(m[0].numpy(), motion) for m in masks)
        scores.append((aware / max(uniform, 1e-12), index))
    chosen, labels = [], set()
    for _, index in sorted(scores):
        label = int(items[index]['data_samples'].gt_label)
        if label not in labels:
            chosen.append(index)
            labels.add(label)
        if len(chosen) == num_samples:
            break
    return chosen


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    load_weights(model, load_checkpoint_state(args.checkpoint), args.checkpoint)
    model.eval()
    ratio, tau = masking_settings(cfg)
    dataset = build_dataset(cfg)
    classes = dataset.metainfo.get('classes')
    u = model.backbone.temporal_patch_size
    layout = LAYOUTS.get(model.backbone.num_spatial_patches)
    if layout is None:
        raise ValueError(
            f'no joint layout for {model.backbone.num_spatial_patches} joints '
            f'(known: {sorted(LAYOUTS)})'
        )
    if args.pick == 'contrast':
        items = [dataset[i] for i in range(len(dataset))]
        indices = contrast_indices(items, args.num_samples, ratio, tau, u, args.seed)
    else:
        indices = spread_indices(len(dataset), args.num_samples)
    os.makedirs(args.out, exist_ok=True)
    for index in indices:
        item = dataset[index]
        label = int(item['data_samples'].gt_label)
        action = classes[label] if classes else f'class {label}'
        result = predict(model, first_person(item), ratio, tau, args.seed + index)
        title = f'{action} (clip {index}): mask ratio {ratio}, tau {tau}'
        name = f'{index:05d}_{action}'
        fig = draw_figure(result, layout, u, title)
        fig.savefig(osp.join(args.out, f'{name}.png'), dpi=80)
        plt.close(fig)
        if args.gif:
            write_gif(result, layout, u, action, osp.join(args.out, f'{name}.gif'))
        print(f'wrote {osp.join(args.out, name)}.png' + (' and .gif' if args.gif else ''))


if __name__ == '__main__':
    main()
