"""Optimizer-wrapper constructors."""

from .layer_decay_optim_wrapper_constructor import LayerDecayOptimWrapperConstructor
from .paramwise_summary_constructor import ParamwiseSummaryOptimWrapperConstructor

__all__ = ['LayerDecayOptimWrapperConstructor', 'ParamwiseSummaryOptimWrapperConstructor']
