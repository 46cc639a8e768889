"""Throughput of one MAMP pre-training step (forward, backward, AdamW update).

Builds the model of a pre-training config (NTU-60 by default), feeds random
batches shaped for it ((N, 1, 2, 120, 25, 3) for NTU-60, (N, 1, 2, 120, 17, 2)
for the 2-D COCO-17 config) with masks from the model's own
motion-aware sampler, and reports samples/s (one sample = one clip of two
persons) after warm-up. ``--attention explicit`` swaps the fused
``scaled_dot_product_attention`` for the softmax(QK^T)V formulation of the
original code, to measure what fusing buys on the current device.

Example::

    python tools/analysis/benchmark_pretrain_step.py --batch-size 8
    python tools/analysis/benchmark_pretrain_step.py --config configs/mamp_pretrain_ntu60_2d.py
    python tools/analysis/benchmark_pretrain_step.py --device cuda --batch-size 32 --amp
"""

import argparse
import json
import time
import types

import torch
from mmaction.registry import MODELS
from mmengine.config import Config

import mmaction_mamp  # noqa: F401  (registers the plugin)
from mmaction_mamp.models.utils import transformer


def explicit_attention(q, k, v, dropout_p: float = 0.0):
    """softmax(q k^T / sqrt(d)) v, materialising the attention matrix."""
    weights = torch.softmax(q @ k.transpose(-2, -1) * q.shape[-1] ** -0.5, dim=-1)
    return torch.nn.functional.dropout(weights, dropout_p) @ v


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default='configs/mamp_pretrain_ntu60.py')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--iters', type=int, default=10, help='timed iterations')
    parser.add_argument('--warmup', type=int, default=3, help='untimed iterations')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--amp', action='store_true', help='bfloat16/float16 autocast')
    parser.add_argument('--attention', choices=['fused', 'explicit'], default='fused')
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.attention == 'explicit':
        patched = types.SimpleNamespace(scaled_dot_product_attention=explicit_attention)
        transformer.F = patched
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model).to(args.device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95))
    encoder = cfg.model.backbone
    shape = (args.batch_size, 1, 2, encoder.num_frames, encoder.num_joints, encoder.in_channels)
    inputs = torch.randn(*shape, device=args.device).cumsum(3)
    amp_dtype = torch.bfloat16 if args.device == 'cpu' else torch.float16
    scaler = torch.amp.GradScaler(enabled=args.amp and args.device != 'cpu')

    def step() -> float:
        with torch.autocast(args.device.split(':')[0], dtype=amp_dtype, enabled=args.amp):
            loss = model(inputs, None, mode='loss')['loss']
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return loss.item()

    for _ in range(args.warmup):
        step()
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.iters):
        step()
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / args.iters
    print(
        json.dumps(
            dict(
                config=args.config,
                device=args.device,
                threads=torch.get_num_threads(),
                batch_size=args.batch_size,
                amp=args.amp,
                attention=args.attention,
                seconds_per_step=round(seconds, 4),
                samples_per_second=round(args.batch_size / seconds, 2),
            )
        )
    )


if __name__ == '__main__':
    main()
