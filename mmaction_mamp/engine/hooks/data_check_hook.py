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
        model = unwrap(runner.model)
        labels = hasattr(model, 'cls_head')
        check_dataloader(model, runner.train_dataloader, 'train_dataloader', labels)
        if runner.val_loop is not None:
            check_dataloader(model, runner.val_dataloader, 'val_dataloader', labels)

    def before_test(self, runner) -> None:
        model = unwrap(runner.model)
        check_dataloader(
            model, runner.test_dataloader, 'test_dataloader', hasattr(model, 'cls_head')
        )
