"""Throughput of one MAMP pre-training step: this project's vs the official formulation.

One step = forward, backward and AdamW update on an NTU-like batch (N clips of two
persons, 120 frames; ``--absent-fraction`` of the person slots are all-zero absent second
actors, as in NTU-60 where most clips show one actor). Every variant gets the same
weights, the same batch and the same masks (sampled once with the config's masking), and
the variants are timed interleaved, ``--repeats`` rounds of ``--iters`` steps each, in one
process, so a busy machine slows them alike. Variants:

* ``reference``: the official code's formulation (github.com/maoyunyao/MAMP,
  ``model_mamp/transformer.py`` and ``main_pretrain.py``), as ``tests/reference_mamp.py``
  computes it, trained on its own copy of the weights in the official layout: explicit
  softmax(QK^T)V attention, gather / concatenate / gather around the decoder, torch's
  default AdamW over the official parameter groups. The equivalence tests check that it
  gives the model's loss and gradients;
* ``default``: this project's faithful step (fused attention, the config's optimizer);
* ``skip_absent``: opt-in ``MAMP(skip_absent_persons=True)``: all-zero persons are left
  out of encoder, decoder and loss (not faithful: the official loss counts them);
* ``compile``: the default step with ``torch.compile`` on the model (opt-in).

Reports samples/s (one sample = one clip of two persons; median and range over rounds),
CPU seconds per step (user + system, all threads), the speed-up over ``reference``
(median and range over rounds of the ratio within a round), the machine's load average
before and after, the peak memory of each variant (CUDA: peak allocated; CPU: peak
resident size of a fresh process running that variant alone) and the data pipeline's
samples/s per core (the config's train pipeline, one thread). docs/benchmark.md has the
measured numbers and their conditions.

Example::

    python .dev_scripts/benchmark_pretrain_step.py --threads 2 --batch-size 8
    python .dev_scripts/benchmark_pretrain_step.py --config \\
    configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d.py
    python .dev_scripts/benchmark_pretrain_step.py --device cuda --batch-size 32
"""

import argparse
import copy
import json
import logging
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import numpy as np
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch import nn

import mmaction_mamp  # noqa: F401  (registers the plugin)
from mmaction_mamp.datasets.transforms.motion_masking import motion_aware_mask

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tests'))
from reference_mamp import official_param_groups, reference_pretrain_loss  # noqa: E402

VARIANTS = ('reference', 'default', 'skip_absent', 'compile')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default='configs/mamp_pretrain_ntu60.py')
    parser.add_argument('--batch-size', type=int, default=8, help='clips per step')
    parser.add_argument('--absent-fraction', type=float, default=0.4)
    parser.add_argument('--variants', nargs='+', choices=VARIANTS, default=list(VARIANTS[:3]))
    parser.add_argument('--repeats', type=int, default=8, help='interleaved rounds')
    parser.add_argument('--iters', type=int, default=1, help='timed steps per round')
    parser.add_argument('--warmup', type=int, default=2, help='untimed steps per variant')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    parser.add_argument('--pipeline-samples', type=int, default=200)
    parser.add_argument('--no-memory', action='store_true', help='skip the memory runs')
    return parser.parse_args()


def quiet_mmengine() -> None:
    """Keep mmengine's per-parameter optimizer log lines out of the report."""
    MMLogger.get_current_instance().setLevel(logging.WARNING)


def masking_step(cfg: Config) -> dict:
    """The config's MotionAwareMasking step (mask_ratio, tau, ... stated once there)."""
    steps = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'MotionAwareMasking']
    return steps[0]


def ntu_like_batch(cfg: Config, batch_size: int, absent_fraction: float, seed: int = 0):
    """(N, 1, 2, T, V, C) random-walk clips shaped for the config's encoder (NTU-60:
    120 x 25 x 3; the 2-D config: 120 x 17 x 2), absent second persons, and their masks."""
    gen = torch.Generator().manual_seed(seed)
    encoder = MODELS.build(cfg.model.backbone)
    backbone = cfg.model.backbone
    shape = (backbone.num_frames, backbone.num_joints, backbone.in_channels)
    inputs = torch.randn(batch_size, 1, 2, *shape, generator=gen).cumsum(3) * 0.02
    absent = min(round(absent_fraction * 2 * batch_size), batch_size)
    inputs[:absent, :, 1] = 0.0
    persons = inputs.reshape(-1, *shape)
    masking = masking_step(cfg)
    noise = torch.rand(persons.shape[0], encoder.num_tokens, generator=gen)
    masks = motion_aware_mask(
        persons[..., : masking.get('motion_channels')],
        masking.mask_ratio,
        masking.tau,
        encoder.temporal_patch_size,
        encoder.spatial_patch_size,
        noise,
    )
    return inputs, masks


def data_samples_with(masks: torch.Tensor, batch_size: int) -> List[ActionDataSample]:
    """Data samples carrying pipeline-style (1, 2, L) masks."""
    samples = []
    for mask in masks.reshape(batch_size, 1, 2, -1):
        sample = ActionDataSample()
        sample.set_field(mask, 'mask')
        samples.append(sample)
    return samples


def official_layout_parameters(model: nn.Module) -> Dict[str, torch.Tensor]:
    """A trainable copy of ``model``'s weights under the official names (the prefixes
    ``backbone.`` / ``head.`` dropped, as the official model is one module)."""
    return {
        name.split('.', 1)[1]: param.detach().clone().requires_grad_(True)
        for name, param in model.named_parameters()
    }


def build_reference_step(cfg: Config, model: nn.Module, inputs, masks) -> Callable[[], float]:
    """The official step on ``tests/reference_mamp.py``: loss, backward, AdamW, zero_grad."""
    if cfg.model.backbone.spatial_patch_size != 1:
        raise ValueError(
            'the reference (official) formulation has one joint per token; '
            f'{cfg.filename} sets spatial_patch_size={cfg.model.backbone.spatial_patch_size}'
        )
    params = official_layout_parameters(model)
    optimizer_cfg = cfg.optim_wrapper.optimizer
    optimizer = torch.optim.AdamW(
        official_param_groups(params, optimizer_cfg.weight_decay),
        lr=optimizer_cfg.lr,
        betas=optimizer_cfg.betas,
    )
    persons = inputs.reshape(-1, *inputs.shape[-3:])
    heads = dict(
        num_heads=cfg.model.backbone.num_heads,
        decoder_num_heads=cfg.model.head.decoder_num_heads,
        temporal_patch=cfg.model.backbone.temporal_patch_size,
    )

    def step() -> float:
        loss = reference_pretrain_loss(params, persons, masks, **heads)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    return step


def build_step(variant: str, cfg: Config, model: nn.Module, inputs, masks) -> Callable[[], float]:
    """A closure running one training step of ``variant`` on its own copy of ``model``."""
    if variant == 'reference':
        return build_reference_step(cfg, model, inputs, masks)
    model = copy.deepcopy(model).train()
    batch = inputs.shape[0]
    model.skip_absent_persons = variant == 'skip_absent'
    forward = torch.compile(model) if variant == 'compile' else model
    with DefaultScope.overwrite_default_scope(cfg.default_scope):  # the plugin's constructors
        optim_wrapper = build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))
    samples = data_samples_with(masks, batch)

    def step() -> float:
        loss = forward(inputs, samples, mode='loss')['loss']
        optim_wrapper.update_params(loss)
        return loss.item()

    return step


def time_variants(
    steps: Dict[str, Callable], args: argparse.Namespace
) -> Tuple[Dict[str, list], Dict[str, float]]:
    """samples/s of every round of every variant, rounds interleaved, and the CPU seconds
    (user + system, all threads of this process) each variant's step takes on average."""
    sync = torch.cuda.synchronize if args.device.startswith('cuda') else lambda: None
    for step in steps.values():
        for _ in range(args.warmup):
            step()
    rates = {name: [] for name in steps}
    cpu_seconds = dict.fromkeys(steps, 0.0)
    for _ in range(args.repeats):
        for name, step in steps.items():
            sync()
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(args.iters):
                step()
            sync()
            rates[name].append(args.batch_size * args.iters / (time.perf_counter() - start))
            cpu_seconds[name] += time.process_time() - cpu_start
    steps_timed = args.repeats * args.iters
    return rates, {name: round(cpu / steps_timed, 2) for name, cpu in cpu_seconds.items()}


def summary(values: List[float]) -> Dict[str, float]:
    """Median and range, rounded."""
    return dict(
        median=round(statistics.median(values), 3),
        min=round(min(values), 3),
        max=round(max(values), 3),
    )


def pipeline_samples_per_core(cfg: Config, num_samples: int, absent_fraction: float) -> float:
    """Train-pipeline samples/s on one thread, NTU-like clips of 60-300 frames and 1 or 2
    persons (3-D: xyz; 2-D configs: xy plus a keypoint score of 1)."""
    pipeline = [TRANSFORMS.build(t) for t in cfg.train_dataloader.dataset.pipeline]
    joints = cfg.model.backbone.num_joints
    coords = 3 if cfg.model.backbone.in_channels == 3 else 2
    rng = np.random.default_rng(0)
    clips = []
    for i in range(num_samples):
        frames = int(rng.integers(60, 300))
        persons = 1 if rng.random() < 2 * absent_fraction else 2
        keypoint = rng.standard_normal((persons, frames, joints, coords)).cumsum(1) * 0.02
        clip = dict(frame_dir=f'bench_{i}', label=0, total_frames=frames,
                    keypoint=keypoint.astype(np.float32))  # fmt: skip
        if coords == 2:
            clip['keypoint_score'] = np.ones((persons, frames, joints), np.float32)
        clips.append(clip)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    start = time.perf_counter()
    for results in clips:
        for transform in pipeline:
            results = transform(results)
    seconds = time.perf_counter() - start
    torch.set_num_threads(threads)
    return num_samples / seconds


def _resident_mib(field: str) -> float:
    """``VmRSS`` (current) or ``VmHWM`` (peak) resident size of this process, in MiB."""
    with open('/proc/self/status') as status:
        line = next(line for line in status if line.startswith(field + ':'))
    return int(line.split()[1]) / 1024


def _peak_memory_worker(variant: str, args: argparse.Namespace, queue) -> None:
    quiet_mmengine()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model).to(args.device)
    inputs, masks = ntu_like_batch(cfg, args.batch_size, args.absent_fraction)
    inputs, masks = inputs.to(args.device), masks.to(args.device)
    step = build_step(variant, cfg, model, inputs, masks)
    if args.device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated() / 2**20
    else:
        with open('/proc/self/clear_refs', 'w') as clear_refs:
            clear_refs.write('5')  # reset the peak resident size (VmHWM) to the current one
        before = _resident_mib('VmRSS')
    for _ in range(2):
        step()
    if args.device.startswith('cuda'):
        queue.put(torch.cuda.max_memory_allocated() / 2**20 - before)
    else:
        queue.put(_resident_mib('VmHWM') - before)


def peak_memory_mib(variant: str, args: argparse.Namespace) -> float:
    """Memory (MiB) that two steps of ``variant`` add at their peak, in a fresh process
    (CUDA: allocated by torch; CPU: resident size, model and batch already built)."""
    context = multiprocessing.get_context('spawn')
    queue = context.Queue()
    process = context.Process(target=_peak_memory_worker, args=(variant, args, queue))
    process.start()
    peak = queue.get()
    process.join()
    return round(peak, 1)


def main() -> None:
    args = parse_args()
    quiet_mmengine()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).to(args.device)
    inputs, masks = ntu_like_batch(cfg, args.batch_size, args.absent_fraction)
    inputs, masks = inputs.to(args.device), masks.to(args.device)
    steps = {name: build_step(name, cfg, model, inputs, masks) for name in args.variants}
    load_before = os.getloadavg()
    rates, cpu_seconds_per_step = time_variants(steps, args)
    report = dict(
        config=args.config,
        device=args.device,
        threads=torch.get_num_threads(),
        batch_size=args.batch_size,
        absent_person_fraction=float((inputs.flatten(3) == 0).all(-1).float().mean()),
        rounds=args.repeats,
        steps_per_round=args.iters,
        load_average_before=[round(load, 2) for load in load_before],
        load_average_after=[round(load, 2) for load in os.getloadavg()],
        samples_per_second={name: summary(r) for name, r in rates.items()},
        cpu_seconds_per_step=cpu_seconds_per_step,
    )
    if 'reference' in rates:
        # paired: each round's ratio to the reference step timed next to it
        report['speedup_vs_reference'] = {
            name: summary([a / b for a, b in zip(r, rates['reference'])])
            for name, r in rates.items()
            if name != 'reference'
        }
    report['pipeline_samples_per_second_per_core'] = round(
        pipeline_samples_per_core(cfg, args.pipeline_samples, args.absent_fraction), 1
    )
    if not args.no_memory:
        report['peak_memory_mib'] = {name: peak_memory_mib(name, args) for name in args.variants}
    print(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
