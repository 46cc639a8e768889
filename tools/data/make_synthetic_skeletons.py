"""Write the embedded synthetic skeleton set as a stock mmaction2 ``PoseDataset`` pickle.

The pickle holds the splits ``train`` and ``val``, exactly what ``SyntheticSkeletonDataset``
generates with the same arguments, so the data can be inspected or used with the stock
``PoseDataset(ann_file=..., split='train')``.

Example::

    python tools/data/make_synthetic_skeletons.py --out data/skeleton/synthetic.pkl
"""

import argparse
from collections import Counter

from mmaction_mamp.datasets.synthetic import CLASS_NAMES
from mmaction_mamp.preparation.synthetic import dump_synthetic_pose_pickle


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Generate the synthetic NTU-layout skeletons')
    parser.add_argument('--out', default='data/skeleton/synthetic.pkl', help='output .pkl')
    parser.add_argument('--num-train-per-class', type=int, default=40)
    parser.add_argument('--num-val-per-class', type=int, default=20)
    parser.add_argument('--seed', type=int, default=0, help='base seed of both splits')
    parser.add_argument(
        '--classes', nargs='+', choices=CLASS_NAMES, help='subset of classes (default: all)'
    )
    parser.add_argument('--min-frames', type=int, default=60)
    parser.add_argument('--max-frames', type=int, default=150)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    data = dump_synthetic_pose_pickle(
        args.out,
        num_train_per_class=args.num_train_per_class,
        num_val_per_class=args.num_val_per_class,
        seed=args.seed,
        classes=args.classes,
        min_frames=args.min_frames,
        max_frames=args.max_frames,
    )
    persons = Counter(a['keypoint'].shape[0] for a in data['annotations'])
    sizes = ', '.join(f'{name}: {len(names)}' for name, names in data['split'].items())
    print(f'wrote {args.out} ({sizes}; samples with 1 / 2 persons: {persons[1]} / {persons[2]})')


if __name__ == '__main__':
    main()
