"""Check every dataloader a run reads against the model before the first iteration."""

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ..checkpoints import unwrap
from ..data_checks import check_dataloader


@HOOKS.register_module()
class SkeletonDataCheckHook(Hook):
    """Pre-flight check of the training, validation and test data (``data_checks``).

    ``before_train`` checks the training dataloader and, when the run validates, the
    validation one; ``before_test`` the test dataloader. Both run after the datasets are
    built and before their first iteration, so a bad clip anywhere, a joint layout the
    model does not expect or unlabelled clips for a classifier stop the run at once
    (:class:`~mmaction_mamp.utils.errors.DataCheckError`) instead of hours in. Labels are
    checked where the model classifies (it has a ``cls_head``). The k-NN monitor checks
    its own dataloaders the same way.
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
