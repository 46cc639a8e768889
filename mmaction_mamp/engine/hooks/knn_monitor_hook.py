"""k-NN accuracy of the encoder during self-supervised pre-training."""

import copy
import time
from typing import Dict, Sequence

import torch
from mmaction.registry import HOOKS, MODELS
from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import DataLoader

from ...datasets.clip_checks import check_dataloader
from ...evaluation import embed_clips, knn_class_scores, topk_accuracy
from ...utils.errors import RunConfigError
from ...utils.random_state import preserved_random_state
from ..checkpoints import unwrap

DEFAULT_SAMPLER = ('DefaultSampler', 'mmengine.DefaultSampler')


@HOOKS.register_module()
class KNNMonitorHook(Hook):
    """Weighted k-NN accuracy (%) of the encoder (``k`` neighbours, vote weight exp(cosine /
    ``temperature``), ``topk``), every ``interval`` epochs and after the last, to the message
    hub (``knn/top1`` ...), the log and the visualizer; the random streams are restored.

    ``train_dataloader`` (the labelled bank) and ``val_dataloader`` (the clips to classify),
    unshuffled ``DefaultSampler`` configs, are checked with the run's clip check before
    iteration 1. ``compare_random_init``: after training, also score (and tabulate) an
    encoder built from ``model.backbone`` with torch seed ``randomness.seed`` (else 0).
    """

    priority = 'LOW'

    def __init__(
        self,
        train_dataloader: dict,
        val_dataloader: dict,
        interval: int = 10,
        k: int = 20,
        temperature: float = 0.07,
        topk: Sequence[int] = (1, 5),
        compare_random_init: bool = False,
    ) -> None:
        if interval < 1:
            raise RunConfigError(f'KNNMonitorHook: interval must be >= 1, got {interval}')
        self.dataloader_cfgs = dict(
            train=copy.deepcopy(train_dataloader), val=copy.deepcopy(val_dataloader)
        )
        for split, cfg in self.dataloader_cfgs.items():
            sampler = cfg.setdefault('sampler', dict(type='DefaultSampler', shuffle=False))
            if sampler.get('type') not in DEFAULT_SAMPLER or not sampler.get('round_up', True):
                raise RunConfigError(
                    f'KNNMonitorHook {split}_dataloader needs a DefaultSampler with round_up=True '
                    f'(features are gathered across ranks in its order), got {sampler}'
                )
        self.interval, self.k, self.temperature, self.topk = interval, k, temperature, tuple(topk)
        self.compare_random_init = compare_random_init
        self._loaders: Dict[str, DataLoader] = {}
        self.last_metrics: Dict[str, float] = {}

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        with preserved_random_state():
            for split, cfg in self.dataloader_cfgs.items():
                loader = runner.build_dataloader(cfg, seed=runner.seed)
                check_dataloader(model, loader, f'KNNMonitorHook {split}_dataloader', True)
                self._loaders[split] = loader

    def after_train_epoch(self, runner) -> None:
        if self.every_n_epochs(runner, self.interval) or self.is_last_train_epoch(runner):
            encoder = unwrap(runner.model).backbone
            self.last_metrics = self.evaluate(runner, encoder, f'epoch {runner.epoch + 1}')
            self._publish(runner, self.last_metrics, prefix='knn')

    def after_train(self, runner) -> None:
        if not self.compare_random_init:
            return
        with preserved_random_state():
            torch.manual_seed((runner.cfg.get('randomness') or {}).get('seed') or 0)
            random_encoder = MODELS.build(dict(runner.cfg.model['backbone'], init_cfg=None))
            random_encoder.init_weights()
        model = unwrap(runner.model)
        if not self.last_metrics:  # no epoch ran in this process (e.g. resumed at the end)
            self.last_metrics = self.evaluate(runner, model.backbone, 'pre-trained')
        device = next(model.parameters()).device
        random_metrics = self.evaluate(runner, random_encoder.to(device), 'random init')
        self._publish(runner, random_metrics, prefix='knn_random_init')
        sizes = {split: len(loader.dataset) for split, loader in self._loaders.items()}
        lines = [
            f'k-NN accuracy (k={self.k}, T={self.temperature}) of {sizes["val"]} val clips '
            f'against {sizes["train"]} labelled train clips',
            f'{"encoder":<18}' + ''.join(f'{f"top-{k} %":>9}' for k in self.topk),
        ]
        for name, metrics in zip(
            ('MAMP pre-trained', 'random init'), (self.last_metrics, random_metrics)
        ):
            lines.append(f'{name:<18}' + ''.join(f'{metrics[f"top{k}"]:>9.1f}' for k in self.topk))
        runner.logger.info('\n'.join(lines))

    def evaluate(self, runner, encoder: nn.Module, what: str) -> Dict[str, float]:
        """k-NN accuracies (%) of ``encoder``, keyed ``top1``, ``top5``, ..."""
        start = time.perf_counter()
        preprocessor = unwrap(runner.model).data_preprocessor
        with preserved_random_state():
            bank, bank_labels = embed_clips(encoder, preprocessor, self._loaders['train'])
            queries, query_labels = embed_clips(encoder, preprocessor, self._loaders['val'])
        num_classes = int(max(bank_labels.max(), query_labels.max())) + 1
        scores = knn_class_scores(bank, bank_labels, queries, num_classes, self.k, self.temperature)
        accuracy = topk_accuracy(scores, query_labels, self.topk)
        metrics = {f'top{k}': 100.0 * value for k, value in accuracy.items()}
        runner.logger.info(
            f'k-NN monitor ({what}): '
            + ', '.join(f'{name} {value:.2f}' for name, value in metrics.items())
            + f' ({len(bank)} bank / {len(queries)} val clips, '
            f'{time.perf_counter() - start:.1f} s)'
        )
        return metrics

    def _publish(self, runner, metrics: Dict[str, float], prefix: str) -> None:
        tagged = {f'{prefix}/{name}': value for name, value in metrics.items()}
        for tag, value in tagged.items():
            runner.message_hub.update_scalar(tag, value)
        runner.visualizer.add_scalars(tagged, step=runner.iter)
