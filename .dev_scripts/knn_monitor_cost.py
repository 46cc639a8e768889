"""Measure what one k-NN monitor evaluation costs and extrapolate it to a dataset.

Times the two parts of an evaluation on this machine: the encoder forward pass that embeds
each clip (all tokens visible, as the linear probe sees them), and the k-NN search of every
val clip against the labelled bank. Both scale linearly (embedding with the clip count, the
search with bank x val), so a measurement on a few clips extrapolates to the full split.

Example (NTU-60 xsub sizes are the defaults)::

    python .dev_scripts/knn_monitor_cost.py \\
    configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py
"""

import argparse
import time
from typing import Tuple

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmaction_mamp  # noqa: F401  (registers the plugin)
from mmaction_mamp.evaluation import knn_class_scores, pool_encoder_features


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='pre-training config (its backbone is timed)')
    parser.add_argument('--train-clips', type=int, default=40091, help='labelled bank size')
    parser.add_argument('--val-clips', type=int, default=16487, help='val clips')
    parser.add_argument('--batch-size', type=int, default=8, help='clips per forward pass')
    parser.add_argument('--batches', type=int, default=3, help='timed forward passes')
    parser.add_argument('--persons', type=int, default=2, help='persons per clip M')
    parser.add_argument('--num-classes', type=int, default=60)
    return parser.parse_args()


def seconds(fn, repeats: int) -> Tuple[float, float]:
    """Mean (wall-clock, CPU) seconds of ``fn()`` after one warm-up call.

    CPU seconds (all threads of this process) do not depend on other load on the machine;
    divided by the cores used they give the wall time of an otherwise idle machine.
    """
    fn()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - wall) / repeats, (time.process_time() - cpu) / repeats


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    encoder = MODELS.build(cfg.model.backbone).eval()
    frames = encoder.num_temporal_patches * encoder.temporal_patch_size
    joints = encoder.num_spatial_patches * encoder.spatial_patch_size
    clips = torch.randn(args.batch_size, args.persons, frames, joints, 3)
    with torch.no_grad():
        embed_wall, embed_cpu = seconds(lambda: pool_encoder_features(encoder(clips)), args.batches)

    # the search on a slice of the val clips against the full-size bank
    bank = torch.randn(args.train_clips, encoder.embed_dims)
    labels = torch.randint(args.num_classes, (args.train_clips,))
    queries = torch.randn(1024, encoder.embed_dims)
    search_wall, search_cpu = seconds(
        lambda: knn_class_scores(bank, labels, queries, args.num_classes), 1
    )

    total_clips = args.train_clips + args.val_clips
    embed_scale, search_scale = total_clips / args.batch_size, args.val_clips / len(queries)
    print(f'encoder {cfg.model.backbone.type} D={encoder.embed_dims}, {frames} frames, '
          f'{args.persons} persons, {torch.get_num_threads()} CPU threads')  # fmt: skip
    print(
        f'embedding: {1000 * embed_cpu / args.batch_size:.0f} CPU-ms per clip '
        f'({1000 * embed_wall / args.batch_size:.0f} ms wall) -> {total_clips} clips: '
        f'{embed_cpu * embed_scale / 3600:.2f} CPU-hours'
    )
    print(
        f'k-NN search of {args.val_clips} val against {args.train_clips} bank clips: '
        f'{search_cpu * search_scale:.0f} CPU-s ({search_wall * search_scale:.0f} s wall)'
    )
    total = embed_cpu * embed_scale + search_cpu * search_scale
    print(f'one evaluation: {total / 3600:.2f} CPU-hours')


if __name__ == '__main__':
    main()
