"""Which weights of a model are not finite (a diverged run must not be saved)."""

from typing import List

import torch
from mmengine.model import is_model_wrapper
from torch import nn


def unwrap(model: nn.Module) -> nn.Module:
    """The model inside a DDP-style wrapper."""
    return model.module if is_model_wrapper(model) else model


def non_finite_weights(model: nn.Module) -> List[str]:
    """Names of the parameters and floating-point buffers holding a NaN or an infinity."""
    return [
        name
        for name, tensor in unwrap(model).state_dict().items()
        if torch.is_floating_point(tensor) and not bool(torch.isfinite(tensor).all())
    ]
