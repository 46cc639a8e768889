"""Check every dataloader a run reads against the model before the first iteration."""

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ...datasets.clip_checks import check_dataloader
from ..checkpoints import unwrap


@HOOKS.register_module()
class SkeletonDataCheckHook(Hook):
    """The clip check (``datasets.clip_checks``) of the train, val and test data vs the model.

    ``before_train``: the training dataloader and, when the run validates, the validation
    one; ``before_test``: the test one. Labels are checked where the model classifies (it
    has a ``cls_head``). Raises :class:`~mmaction_mamp.utils.errors.DataCheckError`.
    """

    priority = 'LOW'

    def before_train(self, runner) -> None:
        classifies = hasattr(unwrap(runner.model), 'cls_head')
        check_dataloader(runner.model, runner.train_dataloader, 'train_dataloader', classifies)
        if runner.val_loop is not None:
            check_dataloader(runner.model, runner.val_dataloader, 'val_dataloader', classifies)

    def before_test(self, runner) -> None:
        classifies = hasattr(unwrap(runner.model), 'cls_head')
        check_dataloader(runner.model, runner.test_dataloader, 'test_dataloader', classifies)
