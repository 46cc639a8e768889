"""Write the encoder's pooled features of a dataset split to an .npz file.

Any MAMP config and checkpoint: pre-training, linear-probe or fine-tune (only the encoder
and the checkpoint's backbone.* weights are used). The file holds features (N, D)
float32 - the linear probe's feature: final-norm output averaged over persons, time
tokens and joints (and over the test clips) - labels (N,) int64 (-1: unlabelled) and
names (N,) (the clips' frame_dir), in dataset order; np.load reads it without pickles::

    python tools/analysis_tools/extract_features.py \\
    configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py \\
        work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth \\
        --split val --out feats_val.npz

Every split gets the config's test pipeline (the deterministic test view) unless
--keep-pipeline. Details: docs/inference.md.
"""

import argparse
import copy
import sys
from typing import Optional, Sequence

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmaction_mamp.apis import extract_features, init_encoder_safely
from mmaction_mamp.apis.inference import as_config


def feature_dataloader(cfg: Config, args: argparse.Namespace):
    """The config's ``<split>_dataloader`` in dataset order, every sample kept, through the
    test pipeline (the deterministic test view) unless ``--keep-pipeline``.

    Raises:
        ValueError: the config has no such dataloader (or no test pipeline).
    """
    loader = copy.deepcopy(cfg.get(f'{args.split}_dataloader'))
    if not loader:
        raise ValueError(f'the config has no {args.split}_dataloader')
    loader.pop('batch_sampler', None)
    loader.update(
        sampler=dict(type='DefaultSampler', shuffle=False),
        batch_size=args.batch_size or loader.get('batch_size') or 32,
        drop_last=False,
    )
    if args.num_workers is not None:
        loader.update(num_workers=args.num_workers, persistent_workers=args.num_workers > 0)
    if not args.keep_pipeline:
        test_loader = cfg.get('test_dataloader') or {}
        pipeline = test_loader.get('dataset', {}).get('pipeline') or cfg.get('test_pipeline')
        if not pipeline:
            raise ValueError('the config has no test pipeline; use its linear-probe config')
        loader.dataset.pipeline = pipeline
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    return Runner.build_dataloader(loader)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('config', help='config whose dataloader and encoder are used')
    parser.add_argument('checkpoint', help='any checkpoint with backbone.* weights')
    parser.add_argument('--split', choices=('train', 'val', 'test'), default='val')
    parser.add_argument('--out', required=True, help='output .npz')
    parser.add_argument('--batch-size', type=int, help="clips per batch (default: the loader's)")
    parser.add_argument('--num-workers', type=int, help="loader workers (default: the loader's)")
    parser.add_argument('--device', default='cpu', help='cpu, cuda, ... (default: cpu)')
    parser.add_argument(
        '--keep-pipeline',
        action='store_true',
        help="use the loader's own pipeline (random augmentation of a training loader "
        'included) instead of the test pipeline',
    )
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config entries'
    )
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        cfg = as_config(args.config, args.cfg_options)
        encoder = init_encoder_safely(cfg, args.checkpoint, args.device)
        features = extract_features(encoder, feature_dataloader(cfg, args))
    except (ValueError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    features.save(args.out)
    count, width = features.features.shape
    print(f'wrote {args.out}: features {count} x {width}, labels, names ({args.split} split)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
