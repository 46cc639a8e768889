"""Keep a config's global batch size fixed whatever the number of processes."""

from mmengine.config import Config
from mmengine.logging import print_log


def apply_global_batch_size(cfg: Config, world_size: int) -> None:
    """Set ``train_dataloader.batch_size`` to ``train_global_batch_size / world_size``.

    MAMP's recipes were tuned for 128 sequences per optimizer step (4 GPUs x
    32). A config declaring ``train_global_batch_size`` keeps that number on
    any process count, so lr and schedule need no rescaling. Configs without
    the key are left untouched.

    Raises:
        ValueError: when the global batch does not split evenly.
    """
    global_batch = cfg.get('train_global_batch_size')
    if global_batch is None:
        return
    if world_size < 1 or global_batch % world_size:
        raise ValueError(
            f'train_global_batch_size={global_batch} cannot be split evenly over '
            f'{world_size} processes; pick a process count that divides it or override '
            'train_global_batch_size (and pass --auto-scale-lr to rescale lr)'
        )
    per_process = global_batch // world_size
    cfg.train_dataloader.batch_size = per_process
    print_log(
        f'global batch {global_batch} = {world_size} process(es) x {per_process}',
        logger='current',
    )
