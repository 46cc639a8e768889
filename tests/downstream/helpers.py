"""Small fixtures for downstream tests: fake pose pickles and checkpoints."""

from pathlib import Path
from typing import Optional

import mmengine
import numpy as np
import torch

from mmaction_mamp.utils.official_checkpoint import convert_official_state_dict

from reference_mamp import make_official_state_dict

REPO = Path(__file__).resolve().parents[2]


def write_pose_pickle(path: Path, num_classes: int, per_split: int, benchmark: str = 'xsub'):
    """A PoseDataset pickle with ``per_split`` two-person samples in each split."""
    rng = np.random.default_rng(0)
    annotations, names = [], []
    for i in range(2 * per_split):
        frames = int(rng.integers(70, 130))
        keypoint = rng.normal(scale=0.3, size=(2, frames, 25, 3)).astype(np.float32)
        keypoint[:, frames - 5 :] = 0  # zero padding at the end, as stored samples have
        names.append(f'S001C001P{i:03d}R001A{i % num_classes + 1:03d}')
        annotations.append(
            dict(frame_dir=names[-1], label=i % num_classes, total_frames=frames, keypoint=keypoint)
        )
    split = {f'{benchmark}_train': names[:per_split], f'{benchmark}_val': names[per_split:]}
    mmengine.dump(dict(split=split, annotations=annotations), str(path))
    return str(path)


def write_pretrain_checkpoint(
    path: Path,
    embed_dim: int,
    depth: int,
    num_frames: int,
    head: Optional[str] = None,
    num_classes: int = 60,
) -> str:
    """A checkpoint in this project's layout (``backbone.*``, ``head.*`` or ``cls_head.*``)."""
    official = make_official_state_dict(
        depth=depth,
        decoder_depth=0 if head else 1,
        embed_dim=embed_dim,
        decoder_dim=embed_dim,
        num_frames=num_frames,
        head=head,
        num_classes=num_classes,
        seed=1,
    )
    state_dict, _ = convert_official_state_dict(official)
    torch.save(dict(state_dict=state_dict, meta=dict(note='test')), path)
    return str(path)
