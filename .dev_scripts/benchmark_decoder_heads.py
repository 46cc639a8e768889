"""Pre-training step of two or more decoder heads, interleaved in one process.

Each config's model (same encoder recipe, its own head) trains with the config's optimizer
on the same batches; the configs are timed round after round, one step of each per round
(A, B, A, B, ...), so load on a shared machine slows them alike. Two batch sources:

* default: the NTU-like batch of ``benchmark_pretrain_step.py`` (N clips of two persons,
  ``--absent-fraction`` of the person slots all-zero, masks from the first config's
  ``MotionAwareMasking``), the same tensors for every config;
* ``--pipeline``: every step draws the next batch of the config's own train dataloader
  (the demo: generated clips, the pipeline's masks) and calls ``model.train_step``, i.e.
  a training iteration without hooks.

Reports samples/s (median and range over rounds), the paired speed-up of every config over
the first (each round's ratio, median and range), CPU seconds per step (user + system,
all threads), the load average before and after, and FLOPs per sample
(``torch.utils.flop_counter``: the training step's forward + backward, and the forward of
encoder and head apart). docs/benchmark.md has the numbers and their conditions.

Example::

    python .dev_scripts/benchmark_decoder_heads.py --threads 2 --rounds 12
    python .dev_scripts/benchmark_decoder_heads.py --threads 1 --pipeline --rounds 30 \\
    --configs configs/demo/mamp_pretrain_demo.py configs/demo/mamp_query_pretrain_demo.py
"""

import argparse
import copy
import importlib.util
import json
import os
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from torch.utils.flop_counter import FlopCounterMode

import mmaction_mamp  # noqa: F401  (registers the plugin)

HERE = Path(__file__).resolve().parent
NTU60 = 'configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'
NTU60_QUERY = 'configs/skeleton/mamp/mamp-query_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'


def load_step_benchmark():
    """``benchmark_pretrain_step.py`` as a module (its batch, step and summary helpers)."""
    spec = importlib.util.spec_from_file_location('benchmark_pretrain_step', HERE / (
        'benchmark_pretrain_step.py'))  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=[NTU60, NTU60_QUERY])
    parser.add_argument('--batch-size', type=int, default=8, help='clips per step (NTU-like)')
    parser.add_argument('--absent-fraction', type=float, default=0.4)
    parser.add_argument('--pipeline', action='store_true', help="the configs' own loaders")
    parser.add_argument('--rounds', type=int, default=12, help='interleaved rounds')
    parser.add_argument('--warmup', type=int, default=2, help='untimed steps per config')
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    return parser.parse_args()


def build_model(cfg: Config) -> torch.nn.Module:
    """The config's model, built from seed 0 (so every config starts from one encoder)."""
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(cfg.model).train()


def endless(loader) -> Iterator:
    """Batches of ``loader``, epoch after epoch."""
    while True:
        yield from loader


def pipeline_step(cfg: Config) -> Callable[[], float]:
    """One training iteration of ``cfg`` on the next batch of its own train dataloader."""
    model = build_model(cfg)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        optim_wrapper = build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))
        batches = endless(Runner.build_dataloader(copy.deepcopy(cfg.train_dataloader), seed=0))

    def step() -> float:
        return model.train_step(next(batches), optim_wrapper)['loss'].item()

    step.model, step.sample = model, lambda: next(batches)
    return step


def flops_per_sample(cfg: Config, inputs, masks, batch_size: int) -> Dict[str, float]:
    """GFLOPs per sample (clip): the training step's forward + backward, and the forwards of
    encoder and head alone, counted by ``torch.utils.flop_counter`` (matmuls, attention,
    convolutions; elementwise ops are not counted)."""
    model = build_model(cfg)
    persons = inputs.reshape(-1, *inputs.shape[-3:])
    counts = {}
    with FlopCounterMode(display=False) as counter:
        latent, ids_keep = model.backbone.forward_visible(persons, masks)
    counts['encoder_forward'] = counter.get_total_flops()
    with FlopCounterMode(display=False) as counter:
        model.head.loss(latent.detach(), ids_keep, masks, persons)
    counts['head_forward'] = counter.get_total_flops()
    with FlopCounterMode(display=False) as counter:
        latent, ids_keep = model.backbone.forward_visible(persons, masks)
        model.head.loss(latent, ids_keep, masks, persons)['loss'].backward()
    counts['train_step'] = counter.get_total_flops()
    return {name: float(f'{flops / batch_size / 1e9:.4g}') for name, flops in counts.items()}


def pipeline_batch(step) -> tuple:
    """(inputs (N, clips, M, T, V, C), masks (N*clips*M, L), N) of one loader batch."""
    data = step.model.data_preprocessor(step.sample(), training=True)
    inputs = data['inputs']
    persons = inputs.shape[0] * inputs.shape[1] * inputs.shape[2]
    return inputs, step.model.masks_of(data['data_samples'], persons), inputs.shape[0]


def main() -> None:
    args = parse_args()
    bench = load_step_benchmark()
    bench.quiet_mmengine()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfgs = {path: Config.fromfile(path) for path in args.configs}
    names = {path: Path(path).stem for path in args.configs}
    if args.pipeline:
        steps = {names[p]: pipeline_step(cfg) for p, cfg in cfgs.items()}
        first = next(iter(steps.values()))
        inputs, masks, batch_size = pipeline_batch(first)
    else:
        batch_size = args.batch_size
        inputs, masks = bench.ntu_like_batch(cfgs[args.configs[0]], batch_size,
                                             args.absent_fraction)  # fmt: skip
        steps = {
            names[p]: bench.build_step('default', cfg, build_model(cfg), inputs, masks)
            for p, cfg in cfgs.items()
        }
    flops = {names[p]: flops_per_sample(cfg, inputs, masks, batch_size) for p, cfg in cfgs.items()}

    for step in steps.values():
        for _ in range(args.warmup):
            step()
    load_before = os.getloadavg()
    rates: Dict[str, List[float]] = {name: [] for name in steps}
    cpu = dict.fromkeys(steps, 0.0)
    for _ in range(args.rounds):
        for name, step in steps.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            step()
            rates[name].append(batch_size / (time.perf_counter() - start))
            cpu[name] += time.process_time() - cpu_start
    baseline = rates[names[args.configs[0]]]
    report = dict(
        configs=args.configs,
        batches='pipeline' if args.pipeline else 'ntu_like',
        threads=torch.get_num_threads(),
        batch_size=batch_size,
        sequences_per_step=int(masks.shape[0]),
        rounds=args.rounds,
        load_average_before=[round(load, 2) for load in load_before],
        load_average_after=[round(load, 2) for load in os.getloadavg()],
        samples_per_second={name: bench.summary(r) for name, r in rates.items()},
        speedup_vs_first={
            name: bench.summary([a / b for a, b in zip(r, baseline)]) for name, r in rates.items()
        },
        cpu_seconds_per_step={name: round(c / args.rounds, 3) for name, c in cpu.items()},
        gflops_per_sample=flops,
    )
    print(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
