"""Convert a checkpoint of an earlier mmaction-mamp version into the portable format.

Usage::

    python tools/model_converters/portable_checkpoint.py SRC DST

Earlier versions pickled mmengine's logging buffers through a function of the
plugin, so their checkpoints load only where ``mmaction_mamp`` is importable.
SRC is read with ``weights_only=True`` allowing exactly that function and
numpy's array reconstructors; DST holds only tensors and plain containers
(same weights, optimizer and scheduler states, resumable with ``--resume DST``).
"""

import argparse
import os
import os.path as osp

import torch

from mmaction_mamp.utils import is_legacy_checkpoint, load_legacy_checkpoint, to_portable


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Make an old mmaction-mamp checkpoint portable')
    parser.add_argument('src', help='checkpoint written by an earlier plugin version')
    parser.add_argument('dst', help='output checkpoint path')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not is_legacy_checkpoint(args.src):
        raise SystemExit(f'{args.src}: not an old-format mmaction-mamp checkpoint; nothing to do')
    checkpoint = to_portable(load_legacy_checkpoint(args.src))
    if osp.dirname(args.dst):
        os.makedirs(osp.dirname(args.dst), exist_ok=True)
    torch.save(checkpoint, args.dst)
    print(f'saved {args.dst} (loads with torch.load(path, weights_only=True) anywhere)')


if __name__ == '__main__':
    main()
