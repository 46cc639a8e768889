"""Plot a training run's loss, learning rate and k-NN accuracy to one PNG.

Reads the scalars mmengine's ``LocalVisBackend`` writes (``vis_data/scalars.json``, one JSON
record per line, keyed by ``step`` = iteration) of a work dir's latest run, or of the run
directory given. k-NN records come from ``KNNMonitorHook``; the random-init encoder's score
(``compare_random_init``) is drawn as a dashed line.

Example::

    python tools/analysis_tools/plot_curves.py work_dirs/mamp_pretrain_demo   # -> .../curves.png
"""

import argparse
import json
import os.path as osp
from collections import defaultdict
from glob import glob
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use('Agg')  # files only, no display needed

import matplotlib.pyplot as plt  # noqa: E402

Series = Dict[str, Tuple[List[int], List[float]]]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir', help='work dir (latest run is used) or one run directory')
    parser.add_argument('--out', help='PNG path (default: WORK_DIR/curves.png)')
    return parser.parse_args()


def find_scalars(work_dir: str) -> str:
    """``vis_data/scalars.json`` of ``work_dir`` itself or of its latest timestamped run."""
    direct = osp.join(work_dir, 'vis_data', 'scalars.json')
    if osp.isfile(direct):
        return direct
    runs = sorted(glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not runs:
        raise FileNotFoundError(
            f'no vis_data/scalars.json in {work_dir} or its run directories; was the run '
            "logged with mmengine's LocalVisBackend?"
        )
    return runs[-1]  # run directories are named by start time


def read_scalars(path: str) -> Series:
    """Every scalar of the file as ``{name: (steps, values)}``, in file order."""
    series: Series = defaultdict(lambda: ([], []))
    with open(path) as f:
        for line_number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}:{line_number}: not a JSON record ({error})') from None
            step = record.get('step')
            if step is None:
                raise ValueError(f'{path}:{line_number}: record without "step": {line.strip()}')
            for name, value in record.items():
                if name != 'step' and isinstance(value, (int, float)):
                    series[name][0].append(step)
                    series[name][1].append(value)
    return dict(series)


def plot_curves(series: Series, title: str) -> plt.Figure:
    """Loss, learning rate and k-NN accuracy over iterations, one panel each.

    Panels without data (e.g. a run without the k-NN monitor) say so.
    """
    fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout='constrained')
    panels = (
        (axes[0], 'loss', ['loss']),
        (axes[1], 'learning rate', ['lr']),
        (axes[2], 'k-NN accuracy (%)', ['knn/top1', 'knn/top5']),
    )
    for ax, label, names in panels:
        for name in names:
            if name in series:
                ax.plot(*series[name], marker='o' if name.startswith('knn') else None, label=name)
        ax.set_xlabel('iteration')
        ax.set_ylabel(label)
        if not any(name in series for name in names):
            ax.text(0.5, 0.5, f'no {label} logged', ha='center', transform=ax.transAxes)
    for k, style in (('top1', 'C0'), ('top5', 'C1')):
        baseline = series.get(f'knn_random_init/{k}')
        if baseline:
            axes[2].axhline(baseline[1][-1], color=style, ls='--', label=f'random init {k}')
    if axes[2].get_legend_handles_labels()[0]:
        axes[2].legend()
    fig.suptitle(title)
    return fig


def main() -> None:
    args = parse_args()
    scalars = find_scalars(args.work_dir)
    out = args.out or osp.join(args.work_dir, 'curves.png')
    fig = plot_curves(read_scalars(scalars), scalars)
    fig.savefig(out, dpi=80)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
