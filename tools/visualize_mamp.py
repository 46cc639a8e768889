"""Picture what MAMP hides and predicts, one PNG (and optionally a GIF) per sample.

Each figure shows, for the first person of a clip:

* the skeleton over time (front view, a few frames of the clip),
* the tokens (time patch x joint) the motion-aware mask hides, beside a uniform random
  mask with the same ratio, over the token motion that drives the motion-aware sampler,
* the true motion of the most-moving masked joint against the decoder's prediction.

The decoder predicts per-token normalised motion; as in the MAE visualisation, the
prediction is brought back to metres per frame with the mean and standard deviation of the
true token.

Example (after ``python tools/train.py configs/demo/mamp_pretrain_demo.py``)::

    python tools/visualize_mamp.py configs/demo/mamp_pretrain_demo.py \
        work_dirs/mamp_pretrain_demo/epoch_150.pth --out work_dirs/vis --num-samples 4 --gif
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
from mmengine.runner import load_checkpoint  # noqa: E402

import mmaction_mamp  # noqa: E402,F401  (registers the plugin)
from mmaction_mamp.datasets.synthetic.skeleton import JOINT_NAMES, PARENTS  # noqa: E402
from mmaction_mamp.datasets.transforms.motion_masking import motion_aware_mask, token_motion  # noqa: E402
from mmaction_mamp.utils.skeleton_tokens import frame_motion, patchify  # noqa: E402

BONES = [(joint, parent) for joint, parent in enumerate(PARENTS) if parent >= 0]
SNAPSHOTS = 6  # frames drawn in the skeleton strip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAMP pre-training config')
    parser.add_argument('checkpoint', help='pre-training checkpoint of that config')
    parser.add_argument('--out', required=True, help='directory for the pictures')
    parser.add_argument('--num-samples', type=int, default=4, help='clips to draw')
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
        skeleton: (T, V, 3) joint positions.
        token_motion: (TP, V) motion that drives the motion-aware sampler.
        motion_mask: (TP, V) bool, True = hidden by the motion-aware mask.
        uniform_mask: (TP, V) bool, True = hidden by a uniform mask of the same ratio.
        true_motion: (T, V, 3) frame motion x[t+1] - x[t].
        predicted_motion: (T, V, 3) decoder prediction in the same units.
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


def build_dataset(cfg: Config):
    """The pre-training data with the test view: centre crop, no rotation, no mask."""
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.pipeline = [
        dict(type='ValidCropResize', clip_len=cfg.model.backbone.num_frames, p_interval=(0.95,)),
        dict(type='FormatGCNInput', num_person=2),
    ]
    dataset_cfg.test_mode = True
    return DATASETS.build(dataset_cfg)


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
    generator = torch.Generator().manual_seed(seed)
    noise = torch.rand(2, skeleton.shape[0], grid[0] * grid[1], generator=generator)
    motion_mask = motion_aware_mask(skeleton, ratio, tau, u, p, noise[0])
    uniform_mask = motion_aware_mask(skeleton, ratio, 0.0, u, p, noise[1])
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


def front_view(points: np.ndarray) -> np.ndarray:
    """(..., 3) camera coordinates -> (..., 2) as seen by the camera (x mirrored, y up)."""
    return np.stack([-points[..., 0], points[..., 1]], axis=-1)


def draw_skeleton_strip(ax, result: MaskedPrediction, temporal_patch: int) -> None:
    """Snapshots side by side; joints hidden by the motion-aware mask in red."""
    frames = np.linspace(0, len(result.skeleton) - 1, SNAPSHOTS).round().astype(int)
    xy = front_view(result.skeleton)
    width = np.ptp(xy[..., 0]) + 0.4
    for i, frame in enumerate(frames):
        pose = xy[frame] + np.array([i * width, 0.0])
        for joint, parent in BONES:
            ax.plot(*pose[[joint, parent]].T, color='0.35', lw=1.5)
        hidden = result.motion_mask[frame // temporal_patch]
        ax.scatter(*pose[~hidden].T, s=10, color='tab:blue', zorder=3)
        ax.scatter(*pose[hidden].T, s=10, color='tab:red', zorder=3)
        ax.text(pose[:, 0].mean(), xy[..., 1].min() - 0.15, f'frame {frame}', ha='center')
    ax.set_aspect('equal')
    ax.axis('off')
    ax.set_title('skeleton over time (red: joints whose token the motion-aware mask hides)')


def hidden_motion_share(mask: np.ndarray, motion: np.ndarray) -> float:
    """Percentage of the total token motion that falls on hidden tokens."""
    return 100.0 * float((motion * mask).sum() / max(motion.sum(), 1e-12))


def draw_mask(ax, mask: np.ndarray, motion: np.ndarray, title: str) -> None:
    """Token grid (joints x time patches): motion in grey, visible tokens outlined in blue."""
    ax.imshow(motion.T, cmap='Greys', aspect='auto', origin='lower')
    overlay = np.zeros(mask.T.shape + (4,))
    overlay[~mask.T] = (0.12, 0.47, 0.71, 0.85)
    ax.imshow(overlay, aspect='auto', origin='lower')
    share = hidden_motion_share(mask, motion)
    ax.set_title(
        f'{title}: hides {100 * mask.mean():.0f} % of the tokens, {share:.0f} % of the motion'
        '\n(grey: token motion, blue: visible tokens)'
    )
    ax.set_xlabel('time patch')
    ax.set_ylabel('joint')


def draw_motion(ax, result: MaskedPrediction, temporal_patch: int) -> None:
    """True vs predicted frame motion of the most-moving joint, on its hidden tokens."""
    joint = int((result.token_motion * result.motion_mask).sum(axis=0).argmax())
    hidden = np.repeat(result.motion_mask[:, joint], temporal_patch)
    frames = np.arange(len(hidden))
    for axis, color in zip(range(3), ('tab:red', 'tab:green', 'tab:blue')):
        ax.plot(frames, result.true_motion[:, joint, axis], color=color, lw=1.5,
                label=f'{"xyz"[axis]} true')  # fmt: skip
        predicted = np.where(hidden, result.predicted_motion[:, joint, axis], np.nan)
        ax.plot(frames, predicted, color=color, lw=1.5, ls='--', label=f'{"xyz"[axis]} predicted')
    for start in np.flatnonzero(~result.motion_mask[:, joint]) * temporal_patch:
        ax.axvspan(start - 0.5, start + temporal_patch - 0.5, color='0.9', zorder=0)
    ax.set_title(
        f'motion of joint {joint} ({JOINT_NAMES[joint]}): true vs predicted on hidden tokens '
        '(grey: visible)'
    )
    ax.set_xlabel('frame')
    ax.set_ylabel('x[t+1] - x[t] (m)')
    ax.legend(ncol=3, fontsize='small')


def draw_figure(result: MaskedPrediction, temporal_patch: int, title: str) -> plt.Figure:
    """The three rows of one sample's picture."""
    fig = plt.figure(figsize=(12, 10), layout='constrained')
    rows = fig.subfigures(3, 1, height_ratios=(1.0, 1.0, 0.9))
    draw_skeleton_strip(rows[0].subplots(), result, temporal_patch)
    mask_axes = rows[1].subplots(1, 2, sharey=True)
    draw_mask(mask_axes[0], result.motion_mask, result.token_motion, 'motion-aware mask')
    draw_mask(mask_axes[1], result.uniform_mask, result.token_motion, 'uniform mask')
    draw_motion(rows[2].subplots(), result, temporal_patch)
    fig.suptitle(title)
    return fig


def write_gif(result: MaskedPrediction, temporal_patch: int, path: str) -> None:
    """Animated skeleton, joints hidden by the motion-aware mask in red."""
    xy = front_view(result.skeleton)
    fig, ax = plt.subplots(figsize=(4, 5))
    lo, hi = xy.reshape(-1, 2).min(axis=0) - 0.1, xy.reshape(-1, 2).max(axis=0) + 0.1
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), aspect='equal')
    ax.axis('off')
    lines = [ax.plot([], [], color='0.35', lw=2)[0] for _ in BONES]
    joints = ax.scatter(xy[0, :, 0], xy[0, :, 1], s=16)

    def update(frame: int) -> List:
        for line, (joint, parent) in zip(lines, BONES):
            line.set_data(*xy[frame, [joint, parent]].T)
        hidden = result.motion_mask[frame // temporal_patch]
        joints.set_offsets(xy[frame])
        joints.set_color(np.where(hidden[:, None], [[0.84, 0.15, 0.16]], [[0.12, 0.47, 0.71]]))
        ax.set_title(f'frame {frame} (red: hidden)')
        return [*lines, joints]

    frames = range(len(xy))
    animation.FuncAnimation(fig, update, frames=frames).save(path, writer='pillow', fps=15)
    plt.close(fig)


def sample_indices(num_items: int, num_samples: int) -> Sequence[int]:
    """Evenly spread indices (different classes in class-sorted data)."""
    if num_items == 0:
        raise ValueError('the config dataset is empty')
    return sorted(set(np.linspace(0, num_items - 1, num_samples).round().astype(int).tolist()))


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    load_checkpoint(model, args.checkpoint, map_location='cpu', strict=True)
    model.eval()
    ratio, tau = masking_settings(cfg)
    dataset = build_dataset(cfg)
    classes = dataset.metainfo.get('classes')
    os.makedirs(args.out, exist_ok=True)
    u = model.backbone.temporal_patch_size
    for index in sample_indices(len(dataset), args.num_samples):
        item = dataset[index]
        skeleton = torch.as_tensor(item['keypoint'][0, :1], dtype=torch.float32)  # clip 0, person 0
        result = predict(model, skeleton, ratio, tau, args.seed + index)
        label = int(item['label'])
        name = f'{index:05d}_{classes[label] if classes else label}'
        title = f'{item.get("frame_dir", name)}: mask ratio {ratio}, tau {tau}'
        fig = draw_figure(result, u, title)
        fig.savefig(osp.join(args.out, f'{name}.png'), dpi=80)
        plt.close(fig)
        if args.gif:
            write_gif(result, u, osp.join(args.out, f'{name}.gif'))
        print(f'wrote {osp.join(args.out, name)}.png' + (' and .gif' if args.gif else ''))


if __name__ == '__main__':
    main()
