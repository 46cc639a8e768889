"""Plot a training run's loss, learning rate and k-NN accuracy to one PNG.

Reads the scalars mmengine's ``LocalVisBackend`` writes (``vis_data/scalars.json``, one JSON
record per line, keyed by ``step`` = iteration) of a work dir's latest run, or of the run
directory given. k-NN records come from ``KNNMonitorHook``; the random-init encoder's score
(``compare_random_init``) is drawn as a dashed line.

The figure is titled with the run name (the work dir's name and the run's timestamp, or
``--title``). The loss axis is scaled to the loss after the learning-rate warm-up (the
iteration where the lr peaks), so the slow decrease that follows is visible; the first,
larger values run off the top of the panel, which says so.

Example::

    python tools/analysis_tools/plot_curves.py work_dirs/mamp_pretrain_demo  # -> .../curves.png
"""

import argparse
import json
import os.path as osp
from collections import defaultdict
from glob import glob
from typing import Dict, List, Optional, Tuple

import matplotlib

matplotlib.use('Agg')  # files only, no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

Series = Dict[str, Tuple[List[int], List[float]]]
KNN_STYLES = (('top1', 'C0'), ('top5', 'C1'))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir', help='work dir (latest run is used) or one run directory')
    parser.add_argument('--out', help='PNG path (default: WORK_DIR/curves.png)')
    parser.add_argument('--title', help='figure title (default: the run name)')
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


def run_name(scalars: str) -> str:
    """'<work dir name> (run <timestamp>)' for ``WORK_DIR/<timestamp>/vis_data/scalars.json``.

    A run directory given directly (``RUN/vis_data/scalars.json``) is named by itself.
    """
    run_dir = osp.dirname(osp.dirname(osp.abspath(scalars)))
    parent = osp.basename(osp.dirname(run_dir))
    stamp = osp.basename(run_dir)
    if stamp[:8].isdigit():  # mmengine's '%Y%m%d_%H%M%S' run directory
        return f'{parent} (run {stamp})'
    return stamp


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


def warmup_end(series: Series) -> Optional[int]:
    """Iteration where the logged lr first reaches its peak (None without an lr)."""
    if 'lr' not in series:
        return None
    steps, values = series['lr']
    return steps[int(np.argmax(values))]


def loss_limits(series: Series) -> Optional[Tuple[float, float]]:
    """y-range of the loss after the warm-up, with a margin (None: keep matplotlib's)."""
    if 'loss' not in series:
        return None
    steps, values = np.asarray(series['loss'][0]), np.asarray(series['loss'][1])
    start = warmup_end(series)
    after = values[steps > start] if start is not None else values[len(values) // 10 :]
    if len(after) < 2 or after.max() == after.min():
        return None
    margin = 0.1 * (after.max() - after.min())
    return float(after.min() - margin), float(after.max() + margin)


def draw_loss(ax, series: Series) -> None:
    """Loss over iterations, zoomed on the part after the warm-up."""
    ax.plot(*series['loss'], color='C3', lw=1.2)
    limits = loss_limits(series)
    if limits:
        ax.set_ylim(*limits)
        hidden = sum(value > limits[1] for value in series['loss'][1])
        if hidden:
            values = 'value' if hidden == 1 else 'values'
            ax.set_title(f'loss ({hidden} warm-up {values} above the axis)', fontsize='medium')


def draw_knn(ax, series: Series) -> None:
    """k-NN top-1 / top-5 with their values, the random encoder's as dashed lines."""
    for k, colour in KNN_STYLES:
        name = f'knn/{k}'
        if name in series:
            steps, values = series[name]
            ax.plot(steps, values, marker='o', color=colour, label=f'pre-trained {k}')
            ax.annotate(f'{values[-1]:.1f}', (steps[-1], values[-1]), textcoords='offset points',
                        xytext=(0, 7), ha='center', color=colour)  # fmt: skip
        baseline = series.get(f'knn_random_init/{k}')
        if baseline:
            ax.axhline(baseline[1][-1], color=colour, ls='--', label=f'random init {k}')
    if ax.get_legend_handles_labels()[0]:
        ax.margins(y=0.12)  # room for the final values above the curves
        ax.legend(fontsize='small')


def plot_curves(series: Series, title: str) -> plt.Figure:
    """Loss, learning rate and k-NN accuracy over iterations, one panel each.

    Panels without data (e.g. a run without the k-NN monitor) say so.
    """
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout='constrained')
    panels = (
        (axes[0], 'loss', ['loss']),
        (axes[1], 'learning rate', ['lr']),
        (axes[2], 'k-NN accuracy (%)', ['knn/top1', 'knn/top5']),
    )
    for ax, label, names in panels:
        ax.set_xlabel('iteration')
        ax.set_ylabel(label)
        if not any(name in series for name in names):
            ax.text(0.5, 0.5, f'no {label} logged', ha='center', transform=ax.transAxes)
    if 'loss' in series:
        draw_loss(axes[0], series)
    if 'lr' in series:
        axes[1].plot(*series['lr'], color='C2')
    draw_knn(axes[2], series)
    fig.suptitle(title)
    return fig


def main() -> None:
    args = parse_args()
    scalars = find_scalars(args.work_dir)
    out = args.out or osp.join(args.work_dir, 'curves.png')
    fig = plot_curves(read_scalars(scalars), args.title or run_name(scalars))
    fig.savefig(out, dpi=80)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
