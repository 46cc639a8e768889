"""Convert an official MAMP checkpoint into an mmaction-mamp checkpoint.

Usage::

    python tools/model_converters/mamp2mmaction.py SRC DST

SRC is a released MAMP ``.pth`` (pre-training, linear probe or fine-tune);
DST gets ``dict(state_dict=..., meta=...)``, loadable by mmengine
(``load_from=DST`` or ``init_cfg=dict(type='Pretrained', checkpoint=DST,
prefix='backbone.')`` for the encoder alone). Every mapped name is printed. A linear
probe saved without its BatchNorm (a bare ``head.fc``, as the official
``model/transformer.py`` builds it) gets BatchNorm statistics that make it the identity.
"""

import argparse
import os
import os.path as osp

import torch

from mmaction_mamp.utils.official_checkpoint import (
    convert_official_state_dict,
    load_official_checkpoint,
    official_checkpoint_kind,
)
from mmaction_mamp.version import __version__

_USE = {
    'pretrain': 'pre-training model MAMP; downstream configs take the encoder with '
    "init_cfg=dict(type='Pretrained', checkpoint=DST, prefix='backbone.')",
    'encoder': "downstream configs: init_cfg=dict(type='Pretrained', checkpoint=DST, "
    "prefix='backbone.')",
    'linear': 'linear-probe configs (configs/skeleton/mamp/*_linear-*): load_from=DST or '
    'tools/test.py CONFIG DST',
    'finetune': 'fine-tune configs (configs/skeleton/mamp/*_finetune-*): load_from=DST or '
    'tools/test.py CONFIG DST',
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert an official MAMP .pth into an mmaction-mamp checkpoint'
    )
    parser.add_argument('src', help='official MAMP checkpoint (.pth)')
    parser.add_argument('dst', help='output checkpoint path')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    checkpoint = load_official_checkpoint(args.src)
    official = checkpoint['model']
    kind = official_checkpoint_kind(official)
    state_dict, mapping = convert_official_state_dict(official)

    width = max(len(src) for src, _ in mapping)
    for src, dst in mapping:
        print(f'{src:<{width}} -> {dst}  {tuple(state_dict[dst].shape)}')
    epoch = checkpoint.get('epoch')
    meta = dict(
        converted_from=osp.basename(args.src),
        official_kind=kind,
        official_epoch=epoch if isinstance(epoch, int) else None,
        converter='tools/model_converters/mamp2mmaction.py',
        mmaction_mamp_version=__version__,
    )
    if osp.dirname(args.dst):
        os.makedirs(osp.dirname(args.dst), exist_ok=True)
    torch.save(dict(state_dict=state_dict, meta=meta), args.dst)
    print(f'{len(mapping)} tensors mapped ({kind} checkpoint, epoch {epoch}); saved {args.dst}')
    print(f'use with: {_USE[kind]}')


if __name__ == '__main__':
    main()
