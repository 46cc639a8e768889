"""Estimate GPU memory per batch size and time per epoch from a CPU measurement.

One training step (forward, backward, AdamW update) of a config's model runs on
the CPU at a small batch. The tensors autograd saves for the backward pass are
counted (each storage once), as are parameters, gradients and the optimizer
state; FLOPs of the step are counted with ``torch.utils.flop_counter``. Saved
activations grow linearly with the batch, the rest is fixed, so::

    memory(B) ~= weights + grads + optimizer state + B * activations per sample
    time / epoch ~= FLOPs per sample * samples / (GPUs * sustained FLOP/s)

A GPU run needs on top of that the CUDA context and cuDNN/cuBLAS workspaces
(about 0.5-1 GiB) and allocator fragmentation; fused attention kernels save
about what the CPU kernel saves (output + log-sum-exp, no attention matrix).

Example::

    python tools/analysis_tools/estimate_gpu_memory.py configs/mamp_pretrain_ntu60.py \
        --batch-sizes 16 32 --samples 40091 --gpus 4 --tflops 50
"""

import argparse
import json
from typing import Sequence

import torch
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmengine.config import Config
from torch.utils.flop_counter import FlopCounterMode, sdpa_backward_flop_count, sdpa_flop_count

import mmaction_mamp  # noqa: F401  (registers the plugin)

GIB = 1024**3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--measure-batch', type=int, default=2, help='batch of the CPU step')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[16, 32])
    parser.add_argument('--samples', type=int, default=40091, help='training samples / epoch')
    parser.add_argument('--gpus', type=int, default=4)
    parser.add_argument(
        '--tflops', type=float, default=50.0, help='sustained TFLOP/s per GPU to assume'
    )
    return parser.parse_args()


def saved_activation_bytes(model: torch.nn.Module, inputs: torch.Tensor, samples) -> int:
    """Bytes autograd keeps for backward during one forward pass (each storage once).

    Storages of parameters are left out even when a view of them is saved (a Linear saves
    its transposed weight): they are counted once, as weights. The input batch is counted.
    """
    parameters = {p.untyped_storage().data_ptr() for p in model.parameters()}
    storages = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in parameters:
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        loss = forward_loss(model, inputs, samples)
    loss.backward()
    return sum(storages.values())


def forward_loss(model: torch.nn.Module, inputs: torch.Tensor, samples) -> torch.Tensor:
    losses = model(inputs, samples, mode='loss')
    return sum(value for key, value in losses.items() if 'loss' in key)


def example_batch(cfg: Config, batch: int):
    """Random skeletons (N, 1, M, T, V, C) shaped like the config's clips, with labels when
    the model classifies and the pipeline's motion-aware masks when it pre-trains."""
    from mmaction.registry import TRANSFORMS
    from mmaction.structures import ActionDataSample

    backbone = cfg.model.backbone
    frames, joints = backbone.get('num_frames', 120), backbone.get('num_joints', 25)
    shape = (batch, 1, 2, frames, joints, backbone.get('in_channels', 3))
    inputs = torch.randn(shape).cumsum(3) * 0.01
    samples = [ActionDataSample() for _ in range(batch)]
    if cfg.model.get('cls_head') is not None:
        return inputs, [sample.set_gt_label(0) for sample in samples]
    pipeline = cfg.train_dataloader.dataset.pipeline
    (masking,) = [TRANSFORMS.build(s) for s in pipeline if s['type'] == 'MotionAwareMasking']
    for sample, clip in zip(samples, inputs.numpy()):
        sample.set_field(masking(dict(keypoint=clip))['mask'], 'mask')
    return inputs, samples


def _cpu_attention_flops(query, key, value, *args, **kwargs) -> int:
    """FLOPs of the CPU fused attention (arguments arrive as shapes)."""
    return sdpa_flop_count(query, key, value)


def _cpu_attention_backward_flops(grad_out, query, key, value, *args, **kwargs) -> int:
    return sdpa_backward_flop_count(grad_out, query, key, value)


# torch's counter knows the GPU attention kernels only; count the CPU ones the same way
CPU_ATTENTION_FLOPS = {
    torch.ops.aten._scaled_dot_product_flash_attention_for_cpu: _cpu_attention_flops,
    torch.ops.aten._scaled_dot_product_flash_attention_for_cpu_backward: (
        _cpu_attention_backward_flops
    ),
}


def estimate(
    cfg: Config,
    measure_batch: int = 2,
    batch_sizes: Sequence[int] = (16, 32),
    samples: int = 40091,
    gpus: int = 4,
    tflops: float = 50.0,
) -> dict:
    """Memory per batch size and time per epoch of ``cfg``'s model (see the module doc).

    Returns:
        The report: exact ``parameters``, ``static_bytes`` (weights, gradients, optimizer
        moments), ``activation_bytes_per_sample``, ``memory_gib`` per batch size, FLOPs and
        time per epoch, and rounded summaries of them.
    """
    cfg.model.backbone.pop('init_cfg', None)
    model = MODELS.build(cfg.model).train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    weight_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    # gradients + AdamW's two moments (SGD with momentum: one) for trainable tensors
    moments = 2 if 'Adam' in cfg.optim_wrapper.optimizer.type else 1
    trainable_bytes = sum(p.numel() * p.element_size() for p in trainable)
    static = weight_bytes + (1 + moments) * trainable_bytes

    inputs, data_samples = example_batch(cfg, measure_batch)
    activations = saved_activation_bytes(model, inputs, data_samples) / measure_batch
    with FlopCounterMode(display=False, custom_mapping=CPU_ATTENTION_FLOPS) as counter:
        forward_loss(model, inputs, data_samples).backward()
    flops = counter.get_total_flops() / measure_batch

    seconds = flops * samples / (gpus * tflops * 1e12)
    parameters = sum(p.numel() for p in model.parameters())
    return dict(
        parameters=parameters,
        parameters_m=round(parameters / 1e6, 2),
        static_bytes=static,
        static_gib=round(static / GIB, 3),
        activation_bytes_per_sample=activations,
        activations_per_sample_mib=round(activations / 2**20, 1),
        memory_gib={b: round((static + b * activations) / GIB, 2) for b in batch_sizes},
        train_gflops_per_sample=round(flops / 1e9, 2),
        epoch_minutes=round(seconds / 60, 2),
        assumed=f'{samples} samples/epoch, {gpus} GPUs x {tflops} TFLOP/s',
    )


def main() -> None:
    args = parse_args()
    register_all_modules(init_default_scope=True)
    report = estimate(
        Config.fromfile(args.config),
        args.measure_batch,
        args.batch_sizes,
        args.samples,
        args.gpus,
        args.tflops,
    )
    print(json.dumps(dict(config=args.config, **report), indent=1))


if __name__ == '__main__':
    main()
