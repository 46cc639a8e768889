"""Read the official MAMP ``.pth`` files and map their names to this project's.

Official files are dicts with ``model`` (state dict), ``optimizer``, ``epoch``,
``scaler`` and ``args`` (an :class:`argparse.Namespace`). They are read with
``torch.load(weights_only=True)`` with exactly :class:`argparse.Namespace`
allow-listed; anything else a file would need to unpickle is refused with an
error, never loaded by falling back to unrestricted unpickling.
"""

import argparse
import pickle
from collections import OrderedDict
from typing import Any, Dict, List, Tuple

import torch

#: The only non-tensor, non-container class official checkpoints contain.
OFFICIAL_SAFE_GLOBALS = (argparse.Namespace,)

_ENCODER_PREFIXES = ('joints_embed.', 'blocks.', 'norm.')
_ENCODER_NAMES = frozenset({'pos_embed', 'temp_embed'})
_HEAD_RENAMES = {
    # linear probe as main_linprobe.py trains it: Sequential(BatchNorm1d, Linear)
    # -> MAMPLinearHead.bn / .fc
    'head.fc.0.': 'cls_head.bn.',
    'head.fc.1.': 'cls_head.fc.',
    # linear probe as model/transformer.py builds it (no BatchNorm) -> MAMPLinearHead.fc
    'head.fc.weight': 'cls_head.fc.weight',
    'head.fc.bias': 'cls_head.fc.bias',
    # fine-tune -> MAMPFinetuneHead.fc1 / .bn / .fc2
    'head.fc1.': 'cls_head.fc1.',
    'head.bn.': 'cls_head.bn.',
    'head.fc2.': 'cls_head.fc2.',
}
_LINEAR_HEAD = ('head.fc.',)
_FINETUNE_HEAD = ('head.fc1.', 'head.bn.', 'head.fc2.')
_LINEAR_PROBE_BN_EPS = 1e-6  # main_linprobe.py's BatchNorm, MAMPLinearHead's default


def load_official_checkpoint(path: str) -> Dict[str, Any]:
    """Load an official MAMP checkpoint without unrestricted unpickling.

    Args:
        path: The official ``.pth`` file.

    Returns:
        The checkpoint dict; ``['model']`` is the official state dict.

    Raises:
        RuntimeError: the file needs a class other than
            :class:`argparse.Namespace` to unpickle.
        ValueError: the file is not a dict with a ``model`` state dict.
    """
    with torch.serialization.safe_globals(list(OFFICIAL_SAFE_GLOBALS)):
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
    """This project's name for an official state-dict entry.

    Encoder -> ``backbone.<name>``; decoder (``decoder_*``, ``mask_token``) ->
    ``head.<name>`` of the pre-training model; downstream heads ->
    ``cls_head.*`` of a recognizer with :class:`MAMPLinearHead` or
    :class:`MAMPFinetuneHead`.

    Raises:
        KeyError: ``name`` is not part of the official layout.
    """
    if name in _ENCODER_NAMES or name.startswith(_ENCODER_PREFIXES):
        return f'backbone.{name}'
    if name.startswith('decoder_') or name == 'mask_token':
        return f'head.{name}'
    for official, ours in _HEAD_RENAMES.items():
        if name.startswith(official):
            return ours + name[len(official) :]
    raise KeyError(name)


def official_checkpoint_kind(state_dict: Dict[str, torch.Tensor]) -> str:
    """``'pretrain'``, ``'linear'``, ``'finetune'`` or ``'encoder'`` (encoder only).

    Raises:
        ValueError: the state dict mixes a decoder or both downstream heads.
    """
    kinds = []
    if any(k.startswith('decoder_') or k == 'mask_token' for k in state_dict):
        kinds.append('pretrain')
    if any(k.startswith(_LINEAR_HEAD) for k in state_dict):
        kinds.append('linear')
    if any(k.startswith(_FINETUNE_HEAD) for k in state_dict):
        kinds.append('finetune')
    if len(kinds) > 1:
        raise ValueError(f'official state dict mixes {kinds}; expected one of them')
    return kinds[0] if kinds else 'encoder'


def convert_official_state_dict(
    state_dict: Dict[str, torch.Tensor],
) -> Tuple[Dict[str, torch.Tensor], List[Tuple[str, str]]]:
    """Rename an official state dict to this project's layout.

    Tensors are kept as they are (same shapes and values). A linear probe
    without its BatchNorm (``head.fc.weight``) gets identity BatchNorm
    statistics (:func:`identity_linear_probe_bn`).

    Args:
        state_dict: The official ``checkpoint['model']``.

    Returns:
        The renamed state dict (an OrderedDict in the official order) and the
        ``(official, ours)`` name pairs (official ``'(none: identity BatchNorm)'``
        for the statistics added).

    Raises:
        ValueError: some names are not part of the official layout.
    """
    official_checkpoint_kind(state_dict)
    unknown = []
    converted: Dict[str, torch.Tensor] = OrderedDict()
    mapping = []
    for name, tensor in state_dict.items():
        try:
            ours = map_official_key(name)
        except KeyError:
            unknown.append(name)
            continue
        converted[ours] = tensor
        mapping.append((name, ours))
    if unknown:
        raise ValueError(f'names outside the official MAMP layout: {unknown}')
    if 'head.fc.weight' in state_dict:
        for ours, tensor in identity_linear_probe_bn(state_dict['head.fc.weight']).items():
            converted[ours] = tensor
            mapping.append(('(none: identity BatchNorm)', ours))
    return converted, mapping


def identity_linear_probe_bn(fc_weight: torch.Tensor) -> Dict[str, torch.Tensor]:
    """BatchNorm statistics that make ``MAMPLinearHead.bn`` the identity.

    The official ``model/transformer.py`` builds the linear probe as a bare
    ``head.fc`` Linear; ``main_linprobe.py`` inserts a ``BatchNorm1d(affine=False,
    eps=1e-6)`` before it. A checkpoint without that BatchNorm computes
    ``fc(feature)``; with running mean 0 and running variance ``1 - eps``
    ``MAMPLinearHead`` computes the same (to float32 rounding).

    Args:
        fc_weight: the official ``head.fc.weight``, (K, D).

    Returns:
        ``cls_head.bn.{running_mean, running_var, num_batches_tracked}``.
    """
    dims = fc_weight.shape[1]
    return {
        'cls_head.bn.running_mean': torch.zeros(dims),
        'cls_head.bn.running_var': torch.full((dims,), 1.0 - _LINEAR_PROBE_BN_EPS),
        'cls_head.bn.num_batches_tracked': torch.tensor(0),
    }
