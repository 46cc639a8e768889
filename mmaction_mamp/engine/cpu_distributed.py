"""Distributed runs on CPU-only machines (gloo), e.g. to try dist_train.sh locally.

mmengine's ``pytorch`` launcher always pins a CUDA device and hands
``device_ids`` to DistributedDataParallel; both fail without a GPU. When no
GPU is visible we open the gloo process group ourselves (mmengine then keeps
it) and wrap the model in :class:`CPUDistributedDataParallel`. GPU runs are
untouched.
"""

import os
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


# Registered in mmengine's root registry: the runner looks wrappers up there.
@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """mmengine's DDP wrapper for CPU modules: ignores the per-GPU ``device_ids``."""

    def __init__(
        self, module: torch.nn.Module, device_ids: Optional[Sequence[int]] = None, **kwargs
    ) -> None:
        del device_ids  # CPU modules must not pass device ids to DDP
        super().__init__(module=module, **kwargs)


def prepare_cpu_distributed(cfg: Config, launcher: str) -> bool:
    """Set up a gloo run when ``launcher`` is 'pytorch' and no GPU is visible.

    Returns:
        True when the CPU path was taken.
    """
    if launcher != 'pytorch' or torch.cuda.is_available():
        return False
    if not dist.is_initialized():
        dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']),
        )
    cfg.model_wrapper_cfg = dict(
        type='CPUDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False),
    )
    return True


@contextmanager
def distributed_session() -> Iterator[None]:
    """Close the process group when the wrapped run ends normally.

    A process that exits with its process group still open lets the
    interpreter tear down gloo's worker threads while they hold tensors; the
    process then aborts ("terminate called without an active exception") and
    ``torch.distributed.run`` reports the whole run as failed, although
    training finished. All ranks meet at a barrier first, so no rank closes
    the group while another still sends (e.g. the k-NN monitor's gather).
    """
    yield
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
