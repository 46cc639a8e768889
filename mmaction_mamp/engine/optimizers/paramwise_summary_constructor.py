"""mmengine's default optimizer-wrapper constructor with a one-line ``paramwise_cfg`` log."""

import logging
from collections import Counter
from typing import List

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.logging import MMLogger, print_log
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper
from torch import nn

_PER_PARAMETER_PREFIX = 'paramwise_options -- '


class _CollectParamwiseLines(logging.Filter):
    """Drops mmengine's per-parameter ``paramwise_options`` records and keeps their text."""

    def __init__(self) -> None:
        super().__init__()
        self.options: List[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith(_PER_PARAMETER_PREFIX):
            return True
        self.options.append(message[len(_PER_PARAMETER_PREFIX) :])
        return False


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ParamwiseSummaryOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Same parameter groups as ``DefaultOptimWrapperConstructor``, logged in one line.

    The default constructor logs one ``paramwise_options -- name:key=value``
    line per parameter and option (47 for the MAMP pre-training model). This
    one builds the identical optimizer and logs instead, e.g.::

        paramwise_cfg {...}: weight_decay=0.0 on 47 of 101 parameter tensors
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        logger = MMLogger.get_current_instance()
        collector = _CollectParamwiseLines()
        logger.addFilter(collector)
        try:
            optim_wrapper = super().__call__(model)
        finally:
            logger.removeFilter(collector)
        if collector.options:
            total = sum(1 for param in model.parameters() if param.requires_grad)
            counts = Counter(option.split(':', 1)[1] for option in collector.options)
            summary = ', '.join(f'{option} on {n}' for option, n in sorted(counts.items()))
            print_log(
                f'paramwise_cfg {dict(self.paramwise_cfg)}: {summary} of {total} parameter tensors',
                logger='current',
            )
        return optim_wrapper
