"""Runner hooks: the run guarantees (default hooks) and the k-NN monitor."""

from .data_check_hook import SkeletonDataCheckHook as SkeletonDataCheckHook
from .divergence_guard_hook import DivergenceGuardHook as DivergenceGuardHook
from .knn_monitor_hook import KNNMonitorHook as KNNMonitorHook
from .preemption_hook import PreemptionHook as PreemptionHook
from .safe_checkpoint_hook import SafeCheckpointHook as SafeCheckpointHook
