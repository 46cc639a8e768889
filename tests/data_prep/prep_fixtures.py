"""Writers of tiny inputs in the real file formats, and hand-checkable poses.

Imported by the tests of this folder (``from prep_fixtures import ...``).

NTU ``.skeleton``: line 1 the frame count; per frame the body count; per body
a 10-value info line starting with the bodyID, the joint count (25), then 25
lines of 12 values (x y z depthX depthY colorX colorY orientW orientX orientY
orientZ trackingState). PKU-MMD: one row of 150 values per frame; labels
``label,start,end,confidence``; split files whose second line lists training
videos.
"""

from pathlib import Path
from typing import Sequence, Tuple

import numpy as np

Body = tuple[str, np.ndarray]  # (bodyID, (25, 3) joints)

JOINT_INDEX = np.arange(25)


def upright(x: float, y: float = 0.5, z: float = 3.0) -> np.ndarray:
    """A body taller than wide: x = x + 0.01*(j % 5), y = y + 0.05*j, z = z.

    x-spread 0.04, y-spread 1.2: never noisy by spread. Joint 1 (spine
    middle) is (x + 0.01, y + 0.05, z).
    """
    return np.stack([x + 0.01 * (JOINT_INDEX % 5), y + 0.05 * JOINT_INDEX, np.full(25, z)], axis=1)


def wide(x: float, y: float = 0.5, z: float = 3.0) -> np.ndarray:
    """A body wider than tall (x-spread 2.4 > 0.8 * y-spread 0.24): noisy."""
    return np.stack([x + 0.1 * JOINT_INDEX, y + 0.01 * JOINT_INDEX, np.full(25, z)], axis=1)


def format_skeleton(frames: Sequence[Sequence[Body]]) -> str:
    """The text of a ``.skeleton`` file; ``frames[t]`` lists (bodyID, joints)."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for body_id, joints in bodies:
            lines.append(f'{body_id} 0 1 1 1 1 0 0.02764709 0.05745083 2')
            lines.append('25')
            for x, y, z in joints:
                lines.append(
                    f'{x:.7g} {y:.7g} {z:.7g} 277.419 191.8218 1036.233 519.1677 '
                    '-0.2059419 0.05349901 0.9692109 -0.1239193 2'
                )
    return '\n'.join(lines) + '\n'


def write_skeleton(folder: Path, name: str, frames: Sequence[Sequence[Body]]) -> Path:
    """Write ``folder/name.skeleton``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{name}.skeleton'
    path.write_text(format_skeleton(frames))
    return path


def write_pku_video(
    folder: Path, video: str, frames: np.ndarray, rows: Sequence[str]
) -> Tuple[Path, Path]:
    """Write ``skeleton/<video>.txt`` ((N, 150) values) and ``label/<video>.txt``."""
    (folder / 'skeleton').mkdir(parents=True, exist_ok=True)
    (folder / 'label').mkdir(parents=True, exist_ok=True)
    skeleton = folder / 'skeleton' / f'{video}.txt'
    skeleton.write_text(''.join(' '.join(f'{v:.6f}' for v in row) + ' \n' for row in frames))
    label = folder / 'label' / f'{video}.txt'
    label.write_text(''.join(f'{row}\n' for row in rows))
    return skeleton, label


def write_split(path: Path, train_videos: Sequence[str], test_videos: Sequence[str]) -> Path:
    """A PKU-MMD split file (training list on line 2)."""
    path.write_text(
        'Training videos: \n'
        + ', '.join(train_videos)
        + '\nValidataion videos: \n'
        + ', '.join(test_videos)
        + '\n'
    )
    return path
