"""Check every dataloader a run reads against the model before the first iteration."""

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ...datasets.clip_checks import check_dataloader
from ..checkpoints import unwrap


@HOOKS.register_module()
class SkeletonDataCheckHook(Hook):
    """``datasets.clip_checks`` on the train (and val, when validating) or test dataloader;
    labels where the model has a ``cls_head``. Raises ``DataCheckError``."""

    priority = 'LOW'

    def before_train(self, runner) -> None:
        classifies = hasattr(unwrap(runner.model), 'cls_head')
        check_dataloader(runner.model, runner.train_dataloader, 'train_dataloader', classifies)
        if runner.val_loop is not None:
            check_dataloader(runner.model, runner.val_dataloader, 'val_dataloader', classifies)

    def before_test(self, runner) -> None:
        classifies = hasattr(unwrap(runner.model), 'cls_head')
        check_dataloader(runner.model, runner.test_dataloader, 'test_dataloader', classifies)
