"""Picture what MAMP hides and predicts, one PNG (and optionally a GIF) per sample.

Each figure shows, for the first person of a clip, titled with its action name:

* the skeleton over time (front view, a few frames of the clip), the subject's left and
  right limbs in two colours and marked L / R, joints whose token the motion-aware mask
  hides in red,
* the token grid (time patch x named joint) with the token motion that drives the
  motion-aware sampler (grey, with a colour bar) and the tokens each mask leaves visible
  (blue outlines): the motion-aware mask beside a uniform random mask of the same ratio,
  each titled with how much the tokens it leaves visible move compared with the clip's
  average token,
* what the decoder predicts for the hidden tokens of the most-moving hidden joint, against
  the target, both in the units the loss compares them in: each token's motion
  (x[t+1] - x[t] over its frames and coordinates) minus its mean, over its standard
  deviation (``MAMPMotionHead.motion_target``). The title gives the loss of the whole clip
  (mean squared error over all hidden tokens) beside that of predicting 0 for every token
  (i.e. the token's mean, the best guess without knowing its motion).

It also prints the decoder's loss over all the clips next to that of predicting 0, and how
the two compare clip by clip (the pictured clip's numbers are in its figure).

By default the clips are chosen to show what motion-aware masking does: those (one per
action) where the tokens the motion-aware mask leaves visible move least compared with the
uniform mask's (``--pick contrast``); ``--pick spread`` takes evenly spread clips instead.

The prediction is not brought back to input units: that would need each token's own mean
and standard deviation, which only the truth knows. 3-D (NTU-25) and 2-D (COCO-17) configs
both work.

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

SNAPSHOTS = 6  # frames drawn in the skeleton strip
HIDDEN, VISIBLE = (0.84, 0.15, 0.16), (0.12, 0.47, 0.71)
SIDE_COLOURS = dict(left=(0.17, 0.63, 0.17), right=(0.58, 0.4, 0.74), centre=(0.35,) * 3)
COORDINATE_COLOURS = ('tab:red', 'tab:green', 'tab:blue')
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
        hands: (left, right) joints marked L and R in the skeleton strip.
    """

    joint_names: Tuple[str, ...]
    bones: Tuple[Tuple[int, int], ...]
    y_down: bool
    shoulders: Tuple[int, int]
    hands: Tuple[int, int]

    def bone_side(self, bone: Tuple[int, int]) -> str:
        """'left', 'right' or 'centre': the side of the subject's body a bone is on."""
        names = [self.joint_names[joint] for joint in bone]
        for side in ('left', 'right'):
            if any(name.startswith(side) for name in names):
                return side
        return 'centre'


LAYOUTS = {
    len(JOINT_NAMES): Layout(JOINT_NAMES, NTU_BONES, y_down=False, shoulders=(4, 8), hands=(7, 11)),
    len(COCO_KEYPOINTS): Layout(
        COCO_KEYPOINTS, COCO_BONES, y_down=True, shoulders=(5, 6), hands=(9, 10)
    ),
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
        target: (TP, V, u, C) the loss's target: each token's frame motion x[t+1] - x[t]
            normalised by its own mean and standard deviation (``norm_target``).
        predicted: (TP, V, u, C) the decoder's output in the same units.
    """

    skeleton: np.ndarray
    token_motion: np.ndarray
    motion_mask: np.ndarray
    uniform_mask: np.ndarray
    target: np.ndarray
    predicted: np.ndarray

    def hidden_mse(self, predicted: np.ndarray) -> float:
        """Mean squared error of ``predicted`` (TP, V, u, C) over the hidden tokens: the
        pre-training loss of this clip."""
        hidden = self.motion_mask
        return float(((predicted[hidden] - self.target[hidden]) ** 2).mean())


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
    token_shape = (*grid, u, skeleton.shape[-1])  # inside a token: (frame, coordinate)
    return MaskedPrediction(
        skeleton=skeleton[0].numpy(),
        token_motion=token_motion(skeleton, u, p).reshape(grid).numpy(),
        motion_mask=motion_mask.reshape(grid).numpy(),
        uniform_mask=uniform_mask.reshape(grid).numpy(),
        target=head.motion_target(skeleton).reshape(token_shape).numpy(),
        predicted=head(latent, ids_keep).reshape(token_shape).numpy(),
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
    """Snapshots side by side: the subject's left / right limbs in two colours, the hands
    marked L / R, joints hidden by the motion-aware mask in red, visible ones in blue."""
    frames = np.linspace(0, len(result.skeleton) - 1, SNAPSHOTS).round().astype(int)
    xy = front_view(result.skeleton, layout)
    width = np.ptp(xy[..., 0]) + 0.25 * np.ptp(xy[..., 1])
    for i, frame in enumerate(frames):
        pose = xy[frame] + np.array([i * width, 0.0])
        for bone in layout.bones:
            ax.plot(*pose[list(bone)].T, color=SIDE_COLOURS[layout.bone_side(bone)], lw=1.8)
        hidden = result.motion_mask[frame // u]
        ax.scatter(*pose[~hidden].T, s=12, color=VISIBLE, zorder=3)
        ax.scatter(*pose[hidden].T, s=12, color=HIDDEN, zorder=3)
        for hand, letter in zip(layout.hands, 'LR'):
            colour = SIDE_COLOURS['left' if letter == 'L' else 'right']
            ax.annotate(letter, pose[hand], xytext=(0, 6), textcoords='offset points',
                        ha='center', color=colour, weight='bold')  # fmt: skip
        ax.text(pose[:, 0].mean(), xy[..., 1].min() - 0.08 * np.ptp(xy[..., 1]),
                f'frame {frame}', ha='center')  # fmt: skip
    ax.set_aspect('equal')
    ax.axis('off')
    ax.set_title(
        "skeleton over time, facing us: the subject's left (L) limbs green, right (R) purple;\n"
        'joints whose token the motion-aware mask hides red, the others blue'
    )


def draw_mask(ax, mask: np.ndarray, motion: np.ndarray, title: str, layout: Layout):
    """Token grid (named joints x time patches): motion in grey, visible tokens outlined in
    blue (the grey under them stays readable).

    Returns:
        the motion image, for the colour bar.
    """
    image = ax.imshow(motion.T, cmap='Greys', aspect='auto', origin='lower', vmin=0)
    patches, joints = np.nonzero(~mask)
    ax.scatter(patches, joints, s=40, marker='s', facecolors='none', edgecolors=VISIBLE, lw=1.5)
    ax.set_title(
        f'{title}: hides {100 * mask.mean():.0f} % of the tokens;\nthe visible ones (blue) '
        f'move {visible_motion(mask, motion):.2f}x the average token'
    )
    ax.set_xlabel('time patch')
    ax.set_yticks(range(len(layout.joint_names)), layout.joint_names, fontsize=7)
    return image


def token_curve(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """One coordinate of a joint's tokens as a curve over frames, NaN on the visible tokens
    and between tokens (each token is normalised on its own, so they do not join up).

    Args:
        values: (TP, u) one coordinate of every token of a joint.
        hidden: (TP,) bool, True = hidden.

    Returns:
        (TP * (u + 1),) values for the frames ``token_frames`` gives.
    """
    curve = np.where(hidden[:, None], values, np.nan)
    return np.concatenate([curve, np.full((len(values), 1), np.nan)], axis=1).ravel()


def token_frames(num_patches: int, u: int) -> np.ndarray:
    """Frame of every entry of ``token_curve`` (the NaN breaks sit between tokens)."""
    frames = np.arange(num_patches * u).reshape(num_patches, u).astype(float)
    return np.concatenate([frames, frames[:, -1:] + 0.5], axis=1).ravel()


def draw_motion(ax, result: MaskedPrediction, layout: Layout, u: int) -> None:
    """Target vs decoder output on the hidden tokens of the most-moving hidden joint, in the
    loss's units, titled with the clip's loss and that of predicting 0."""
    joint = int((result.token_motion * result.motion_mask).sum(axis=0).argmax())
    hidden = result.motion_mask[:, joint]
    frames = token_frames(len(hidden), u)
    for axis in range(result.target.shape[-1]):
        name, colour = 'xyz'[axis], COORDINATE_COLOURS[axis]
        ax.plot(frames, token_curve(result.target[:, joint, :, axis], hidden), color=colour,
                lw=1.5, marker='.', label=f'{name}: target')  # fmt: skip
        ax.plot(frames, token_curve(result.predicted[:, joint, :, axis], hidden), color=colour,
                lw=1.5, ls='--', label=f'{name}: decoder')  # fmt: skip
    loss = result.hidden_mse(result.predicted)
    zero = result.hidden_mse(np.zeros_like(result.predicted))
    ax.set_title(
        f'decoder output for the {layout.joint_names[joint]} on its {int(hidden.sum())} hidden '
        f"tokens, in the loss's units (solid: target, dashed: decoder)\nthis clip's loss, mean "
        f'squared error over all its {int(result.motion_mask.sum())} hidden tokens: '
        f'{loss:.2f}; predicting 0 for every token: {zero:.2f}'
    )
    ax.set_xlabel(f'frame ({u} per token)')
    ax.set_ylabel('motion of a token,\nnormalised per token')
    ax.axhline(0.0, color='0.6', lw=0.8)
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
    lines = [
        ax.plot([], [], color=SIDE_COLOURS[layout.bone_side(bone)], lw=2)[0]
        for bone in layout.bones
    ]
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


def clip_losses(model, items: Sequence[dict], ratio: float, tau: float, seed: int) -> np.ndarray:
    """(N, 2) loss of every clip under its motion-aware mask (mask seeds as the pictures'):
    the decoder's, and that of predicting 0 for every hidden token."""
    losses = []
    for index, item in enumerate(items):
        result = predict(model, first_person(item), ratio, tau, seed + index)
        zero = np.zeros_like(result.predicted)
        losses.append((result.hidden_mse(result.predicted), result.hidden_mse(zero)))
    return np.array(losses)


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
    items = [dataset[i] for i in range(len(dataset))]
    if args.pick == 'contrast':
        indices = contrast_indices(items, args.num_samples, ratio, tau, u, args.seed)
    else:
        indices = spread_indices(len(dataset), args.num_samples)
    losses = clip_losses(model, items, ratio, tau, args.seed)
    share = losses[:, 0] / np.maximum(losses[:, 1], 1e-12)
    print(
        f'decoder loss over the {len(items)} clips: {losses[:, 0].mean():.3f} (predicting 0: '
        f'{losses[:, 1].mean():.3f}); per clip, decoder / predicting 0: median '
        f'{np.median(share):.2f}, best tenth <= {np.quantile(share, 0.1):.2f}'
    )
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
