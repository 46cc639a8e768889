"""Which tensors hold a NaN or an infinity: the one non-finite check (loss, grads, weights)."""

from typing import Iterable, List, Tuple

import torch
from mmengine.model import is_model_wrapper
from torch import nn


def unwrap(model: nn.Module) -> nn.Module:
    """The model inside a DDP-style wrapper."""
    return model.module if is_model_wrapper(model) else model


def non_finite(named: Iterable[Tuple[str, torch.Tensor]]) -> List[str]:
    """Names of the floating-point tensors holding a NaN or an infinity (one device sync
    when all are finite)."""
    named = [(name, t) for name, t in named if torch.is_tensor(t) and t.is_floating_point()]
    if not named or bool(torch.stack([torch.isfinite(t).all() for _, t in named]).all()):
        return []
    return [name for name, t in named if not bool(torch.isfinite(t).all())]


def non_finite_weights(model: nn.Module) -> List[str]:
    """:func:`non_finite` of the parameters and buffers."""
    return non_finite(unwrap(model).state_dict().items())
