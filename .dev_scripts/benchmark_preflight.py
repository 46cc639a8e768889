"""Time of the pre-flight data check on an NTU-120-sized annotation list.

Builds ``--num-clips`` synthetic annotations shaped like NTU RGB+D 120 in
mmaction2's pickle layout (float32 (M, T, 25, 3), T uniform in
[``--min-frames``, ``--max-frames``], two persons in ``--two-person``
of the clips) with two bad clips (a NaN, an all-zero clip), then times
``bad_clips(summarize_clips(...))`` with each thread count of ``--threads``.

Example::

    python .dev_scripts/benchmark_preflight.py --threads 1 2
"""

import argparse
import json
import time

import numpy as np

from mmaction_mamp.datasets.clip_checks import ClipRequirements, bad_clips, summarize_clips


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num-clips', type=int, default=114_480, help='NTU-120 has 114,480')
    parser.add_argument('--min-frames', type=int, default=32)
    parser.add_argument('--max-frames', type=int, default=140)
    parser.add_argument('--two-person', type=float, default=0.25)
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--repeats', type=int, default=2, help='timed runs per thread count')
    return parser.parse_args()


def synthetic_annotations(args: argparse.Namespace) -> list:
    """NTU-shaped annotations with clip 37 holding a NaN and clip 12 all zeros."""
    rng = np.random.default_rng(0)
    frames = rng.integers(args.min_frames, args.max_frames + 1, args.num_clips)
    persons = 1 + (rng.random(args.num_clips) < args.two_person)
    annotations = [
        dict(
            frame_dir=f'S{i // 1000:03d}C001P001R001A{i % 120 + 1:03d}_{i}',
            label=i % 120,
            total_frames=int(t),
            keypoint=rng.standard_normal((int(m), int(t), 25, 3), dtype=np.float32),
        )
        for i, (m, t) in enumerate(zip(persons, frames))
    ]
    annotations[37]['keypoint'][0, 5, 3, 0] = np.nan
    annotations[12]['keypoint'][:] = 0
    return annotations


def main() -> None:
    args = parse_args()
    annotations = synthetic_annotations(args)
    size = sum(a['keypoint'].nbytes for a in annotations)
    requirements = ClipRequirements(num_joints=25, num_coords=3, min_valid_frames=4)
    result = dict(num_clips=len(annotations), keypoint_gib=round(size / 2**30, 2), seconds={})
    for threads in args.threads:
        timings = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            bad = bad_clips(summarize_clips(annotations, num_threads=threads), requirements)
            timings.append(time.perf_counter() - start)
        assert [b.position for b in bad] == [12, 37], bad
        result['seconds'][threads] = round(min(timings), 2)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
