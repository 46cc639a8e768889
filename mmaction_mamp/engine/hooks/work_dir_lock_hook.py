"""Hold the work-dir lock for the whole run."""

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from ..work_dir_lock import WorkDirLock


@HOOKS.register_module()
class WorkDirLockHook(Hook):
    """One live training run per work dir (:class:`~mmaction_mamp.engine.WorkDirLock`).

    The first process takes ``work_dir/train.lock`` in ``before_run`` of a training run
    and releases it after the run; a second run into the same work dir stops there with
    :class:`~mmaction_mamp.engine.errors.WorkDirLocked` naming the holder. (``MAMPRunner``
    takes the same lock before it writes anything; this hook then finds it held.)
    Evaluation-only runs (``runner.test()``) take no lock.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._lock = None

    def before_train(self, runner) -> None:
        if is_main_process():
            self._lock = WorkDirLock(runner.work_dir)
            self._lock.acquire()

    def after_run(self, runner) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
