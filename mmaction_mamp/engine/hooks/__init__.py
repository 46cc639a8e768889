"""Runner hooks: the run guarantees (default hooks) and the k-NN monitor."""

from .data_check_hook import SkeletonDataCheckHook
from .divergence_guard_hook import DivergenceGuardHook
from .knn_monitor_hook import KNNMonitorHook
from .preemption_hook import PreemptionHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .work_dir_lock_hook import WorkDirLockHook

__all__ = [
    'DivergenceGuardHook',
    'KNNMonitorHook',
    'PreemptionHook',
    'SafeCheckpointHook',
    'SkeletonDataCheckHook',
    'WorkDirLockHook',
]
