"""k-NN accuracy of the encoder during self-supervised pre-training."""

import copy
import time
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmaction.registry import HOOKS, MODELS
from mmengine.dist import all_gather, get_world_size
from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import DataLoader

from ...datasets.clip_checks import check_dataloader
from ...evaluation import knn_class_scores, pool_encoder_features, topk_accuracy
from ...utils.errors import RunConfigError
from ...utils.random_state import preserved_random_state
from ..checkpoints import unwrap

DEFAULT_SAMPLER = ('DefaultSampler', 'mmengine.DefaultSampler')


def gather_in_sampler_order(local: torch.Tensor, size: int) -> torch.Tensor:
    """Undo ``DefaultSampler``'s sharding: rank r held dataset positions r, r + W, ...

    Args:
        local: (n, ...) this rank's rows, n equal on every rank (``round_up=True``).
        size: dataset length; the sampler's padding rows beyond it are dropped.

    Returns:
        (size, ...) rows of all ranks in sampler order.
    """
    parts = all_gather(local)
    return torch.stack(parts, dim=1).flatten(0, 1)[:size]


@HOOKS.register_module()
class KNNMonitorHook(Hook):
    """Weighted k-NN accuracy of the encoder on labelled data, every ``interval`` epochs.

    The hook has its own two dataloaders (checked with the run's clip check before
    iteration 1): a labelled bank and a validation set, with the linear probe's test
    pipeline. Features (N, D) are pooled as the linear probe pools them
    (``pool_encoder_features``, averaged over clips); each validation clip is classified by
    cosine k-NN with temperature-weighted votes, and ``knn/top1`` / ``knn/top5`` (%) go to
    the message hub, the log and every visualizer backend. Distributed, each rank embeds its
    ``DefaultSampler`` shard and the features are all-gathered. The random streams are
    restored afterwards: training is unaffected by the monitor.

    Args:
        train_dataloader: dataloader config of the labelled bank.
        val_dataloader: dataloader config of the clips to classify.
        interval: evaluate every ``interval`` epochs and after the last one.
        k: neighbours.
        temperature: T of the vote weight exp(cosine / T).
        topk: accuracies to report.
        compare_random_init: after training, also score a freshly initialised encoder
            built from ``runner.cfg.model.backbone`` (seeded with ``random_init_seed``) and
            log both results side by side, the pre-trained one first.
        random_init_seed: torch seed of that random encoder (default: the config's
            ``randomness.seed``, else 0; never rank-dependent, so all ranks build the same).
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
        random_init_seed: Optional[int] = None,
    ) -> None:
        if interval < 1:
            raise RunConfigError(f'KNNMonitorHook: interval must be >= 1, got {interval}')
        self.dataloader_cfgs = dict(
            train=self._checked_loader_cfg(train_dataloader, 'train_dataloader'),
            val=self._checked_loader_cfg(val_dataloader, 'val_dataloader'),
        )
        self.interval = interval
        self.k = k
        self.temperature = temperature
        self.topk = tuple(topk)
        self.compare_random_init = compare_random_init
        self.random_init_seed = random_init_seed
        self._loaders: Dict[str, DataLoader] = {}
        self.last_metrics: Dict[str, float] = {}

    @staticmethod
    def _checked_loader_cfg(cfg: dict, name: str) -> dict:
        """Copy of a dataloader config with an unshuffled, equally padded ``DefaultSampler``."""
        cfg = copy.deepcopy(dict(cfg))
        sampler = cfg.setdefault('sampler', dict(type='DefaultSampler', shuffle=False))
        if sampler.get('type') not in DEFAULT_SAMPLER or not sampler.get('round_up', True):
            raise RunConfigError(
                f'KNNMonitorHook {name} needs a DefaultSampler with round_up=True (features '
                f'are gathered across ranks in its order), got {sampler}'
            )
        return cfg

    def before_train(self, runner) -> None:
        """Build both dataloaders and check their clips and labels before iteration 1."""
        with preserved_random_state():
            for split, cfg in self.dataloader_cfgs.items():
                loader = runner.build_dataloader(cfg, seed=runner.seed)
                check_dataloader(runner.model, loader, f'KNNMonitorHook {split}_dataloader', True)
                self._loaders[split] = loader

    def after_train_epoch(self, runner) -> None:
        """Evaluate every ``interval`` epochs and after the last epoch."""
        if self.every_n_epochs(runner, self.interval) or self.is_last_train_epoch(runner):
            encoder = unwrap(runner.model).backbone
            self.last_metrics = self.evaluate(runner, encoder, f'epoch {runner.epoch + 1}')
            self._publish(runner, self.last_metrics, prefix='knn')

    def after_train(self, runner) -> None:
        """With ``compare_random_init``, score a random encoder next to the trained one."""
        if not self.compare_random_init:
            return
        with preserved_random_state():
            seed = self.random_init_seed
            if seed is None:
                seed = (runner.cfg.get('randomness') or {}).get('seed') or 0
            torch.manual_seed(seed)
            backbone_cfg = copy.deepcopy(runner.cfg.model['backbone'])
            backbone_cfg['init_cfg'] = None
            random_encoder = MODELS.build(backbone_cfg)
            random_encoder.init_weights()
        model = unwrap(runner.model)
        if not self.last_metrics:  # no epoch ran in this process (e.g. resumed at the end)
            self.last_metrics = self.evaluate(runner, model.backbone, 'pre-trained')
        device = next(model.parameters()).device
        random_metrics = self.evaluate(runner, random_encoder.to(device), 'random init')
        self._publish(runner, random_metrics, prefix='knn_random_init')
        runner.logger.info(
            self.comparison_table(
                {'MAMP pre-trained': self.last_metrics, 'random init': random_metrics}
            )
        )

    def comparison_table(self, results: Dict[str, Dict[str, float]]) -> str:
        """Accuracies of several encoders as a small text table."""
        sizes = {split: len(loader.dataset) for split, loader in self._loaders.items()}
        heading = (
            f'k-NN accuracy (k={self.k}, T={self.temperature}) of {sizes["val"]} val clips '
            f'against {sizes["train"]} labelled train clips'
        )
        columns = ''.join(f'{f"top-{k} %":>9}' for k in self.topk)
        lines = [heading, f'{"encoder":<18}{columns}']
        for name, metrics in results.items():
            values = ''.join(f'{metrics[f"top{k}"]:>9.1f}' for k in self.topk)
            lines.append(f'{name:<18}{values}')
        return '\n'.join(lines)

    def evaluate(self, runner, encoder: nn.Module, what: str) -> Dict[str, float]:
        """k-NN accuracies (%) of ``encoder``, keyed ``top1``, ``top5``, ..."""
        start = time.perf_counter()
        with preserved_random_state():
            bank, bank_labels = self._embed(runner, encoder, 'train')
            queries, query_labels = self._embed(runner, encoder, 'val')
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
        """Message hub + every visualizer backend, at the current iteration."""
        tagged = {f'{prefix}/{name}': value for name, value in metrics.items()}
        for tag, value in tagged.items():
            runner.message_hub.update_scalar(tag, value)
        runner.visualizer.add_scalars(tagged, step=runner.iter)

    @torch.no_grad()
    def _embed(self, runner, encoder: nn.Module, split: str) -> Tuple[torch.Tensor, torch.Tensor]:
        """Pooled features (N, D) and labels (N,) of one split, gathered over all ranks."""
        loader = self._loaders[split]
        preprocessor = unwrap(runner.model).data_preprocessor
        was_training = encoder.training
        encoder.eval()
        features, labels = [], []
        for batch in loader:
            batch = preprocessor(batch, False)
            inputs = batch['inputs']  # (N, clips, M, T, V, C)
            pooled = pool_encoder_features(encoder(inputs.flatten(0, 1)))
            features.append(pooled.reshape(*inputs.shape[:2], -1).mean(dim=1))
            labels.append(torch.cat([sample.gt_label for sample in batch['data_samples']]))
        encoder.train(was_training)
        local = torch.cat(features), torch.cat(labels).to(features[0].device)
        if get_world_size() == 1:
            return local
        return tuple(gather_in_sampler_order(part, len(loader.dataset)) for part in local)
