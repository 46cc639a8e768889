"""Read the official MAMP ``.pth`` files (dicts with ``model``, ``optimizer``, ``epoch``,
``scaler`` and an ``argparse.Namespace`` ``args``) and map their names to this project's."""

import argparse
import pickle
from collections import OrderedDict
from typing import Any, Dict, List, Tuple

import torch

_ENCODER_PREFIXES = ('joints_embed.', 'blocks.', 'norm.')
#: Official name (prefix if it ends in . or _) -> ours, per checkpoint kind, known by them.
#: linear: main_linprobe.py's Sequential(BatchNorm1d, Linear), or model/transformer.py's
#: bare Linear, -> MAMPLinearHead; finetune -> MAMPFinetuneHead.
_RENAMES = dict(
    pretrain={'decoder_': 'head.decoder_', 'mask_token': 'head.mask_token'},
    linear={
        'head.fc.0.': 'cls_head.bn.',
        'head.fc.1.': 'cls_head.fc.',
        'head.fc.weight': 'cls_head.fc.weight',
        'head.fc.bias': 'cls_head.fc.bias',
    },
    finetune={
        'head.fc1.': 'cls_head.fc1.',
        'head.bn.': 'cls_head.bn.',
        'head.fc2.': 'cls_head.fc2.',
    },
)
_LINEAR_PROBE_BN_EPS = 1e-6  # main_linprobe.py's BatchNorm, MAMPLinearHead's default


def load_official_checkpoint(path: str) -> Dict[str, Any]:
    """The checkpoint dict of an official ``.pth``, read weights-only with only
    ``argparse.Namespace`` allowed; ``['model']`` is its state dict.

    Raises:
        RuntimeError: the file needs a class other than ``argparse.Namespace``.
        ValueError: the file is not a dict with a ``model`` state dict.
    """
    with torch.serialization.safe_globals([argparse.Namespace]):
        try:
            checkpoint = torch.load(path, map_location='cpu', weights_only=True)
        except pickle.UnpicklingError as err:
            raise RuntimeError(
                f'{path}: refused to unpickle; only tensors, plain containers and '
                'argparse.Namespace are allowed in an official MAMP checkpoint. '
                f'torch said: {err}'
            ) from err
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get('model'), dict):
        raise ValueError(
            f'{path}: expected a dict with a "model" state dict (official MAMP layout)'
        )
    return checkpoint


def map_official_key(name: str) -> str:
    """This project's name for an official state-dict entry: encoder -> ``backbone.*``,
    decoder -> ``head.*``, downstream heads -> ``cls_head.*``.

    Raises:
        KeyError: ``name`` is not part of the official layout.
    """
    if name in ('pos_embed', 'temp_embed') or name.startswith(_ENCODER_PREFIXES):
        return f'backbone.{name}'
    for renames in _RENAMES.values():
        for official, ours in renames.items():
            if name == official or (name.startswith(official) and official[-1] in '._'):
                return ours + name[len(official) :]
    raise KeyError(name)


def official_checkpoint_kind(state_dict: Dict[str, torch.Tensor]) -> str:
    """``'pretrain'``, ``'linear'``, ``'finetune'`` or ``'encoder'`` (encoder only).

    Raises:
        ValueError: the state dict mixes a decoder or both downstream heads.
    """
    kinds = [
        kind
        for kind, renames in _RENAMES.items()
        if any(name.startswith(tuple(renames)) for name in state_dict)
    ]
    if len(kinds) > 1:
        raise ValueError(f'official state dict mixes {kinds}; expected one of them')
    return kinds[0] if kinds else 'encoder'


def convert_official_state_dict(
    state_dict: Dict[str, torch.Tensor],
) -> Tuple[Dict[str, torch.Tensor], List[Tuple[str, str]]]:
    """Rename an official state dict (``checkpoint['model']``), tensors unchanged.

    A linear probe without its BatchNorm (a bare ``head.fc.weight``) gets running mean 0
    and variance ``1 - eps``: ``MAMPLinearHead.bn`` is then the identity (to rounding).

    Returns:
        The renamed state dict in the official order, and the ``(official, ours)`` name
        pairs (official ``'(none: identity BatchNorm)'`` for the statistics added).

    Raises:
        ValueError: names outside the official layout, or mixed kinds.
    """
    official_checkpoint_kind(state_dict)
    unknown, mapping = [], []
    for name in state_dict:
        try:
            mapping.append((name, map_official_key(name)))
        except KeyError:
            unknown.append(name)
    if unknown:
        raise ValueError(f'names outside the official MAMP layout: {unknown}')
    converted = OrderedDict((ours, state_dict[name]) for name, ours in mapping)
    if 'head.fc.weight' in state_dict:
        dims = state_dict['head.fc.weight'].shape[1]
        identity_bn = {
            'cls_head.bn.running_mean': torch.zeros(dims),
            'cls_head.bn.running_var': torch.full((dims,), 1.0 - _LINEAR_PROBE_BN_EPS),
            'cls_head.bn.num_batches_tracked': torch.tensor(0),
        }
        converted.update(identity_bn)
        mapping += [('(none: identity BatchNorm)', name) for name in identity_bn]
    return converted, mapping
