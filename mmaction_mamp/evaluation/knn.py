"""Weighted cosine k-NN classification of frozen features (Wu et al., CVPR 2018; DINO): each
query's ``k`` most cosine-similar bank features vote for their label with weight
``exp(similarity / temperature)``."""

from typing import Dict, Iterable, Optional, Sequence, Tuple

import torch
from mmengine.dist import all_gather, get_world_size
from torch import nn
from torch.nn.functional import normalize

from .pooling import pool_encoder_features


def knn_class_scores(
    train_features: torch.Tensor,
    train_labels: torch.Tensor,
    query_features: torch.Tensor,
    num_classes: int,
    k: int = 20,
    temperature: float = 0.07,
    chunk_size: int = 1024,
) -> torch.Tensor:
    """(Q, K) summed vote weights per class of queries (Q, D) against a bank (N, D) with
    labels (N,) in [0, K); ``k`` is capped at N; ``chunk_size`` queries are compared at a
    time (bounds the similarity matrix)."""
    shapes = [tuple(t.shape) for t in (train_features, train_labels, query_features)]
    if len(shapes[0]) != 2 or shapes[1] != shapes[0][:1] or shapes[2][1:] != shapes[0][1:]:
        raise ValueError(f'need bank (N, D), labels (N,), queries (Q, D) of one width: {shapes}')
    if len(train_labels) and not 0 <= train_labels.min() <= train_labels.max() < num_classes:
        raise ValueError(f'bank labels must lie in [0, {num_classes})')
    if k < 1 or temperature <= 0:
        raise ValueError(f'need k >= 1 and temperature > 0, got k={k}, T={temperature}')
    bank, queries = normalize(train_features.float(), dim=1), normalize(query_features.float())
    labels = train_labels.long().to(bank.device)
    scores = [queries.new_zeros(0, num_classes)]
    for chunk in queries.split(chunk_size):
        similarity, neighbours = (chunk @ bank.T).topk(min(k, len(bank)), dim=1)
        chunk_scores = chunk.new_zeros(len(chunk), num_classes)
        scores.append(
            chunk_scores.scatter_add_(1, labels[neighbours], similarity.div(temperature).exp())
        )
    return torch.cat(scores)


def topk_accuracy(
    scores: torch.Tensor, labels: torch.Tensor, topk: Sequence[int] = (1, 5)
) -> Dict[int, float]:
    """``{k: fraction}`` of queries whose label (Q,) is among their ``k`` best-scored classes
    (scores (Q, K); ties broken by ``torch.topk``; ``k > K`` counts every query)."""
    if scores.shape[0] != labels.shape[0] or scores.shape[0] == 0:
        raise ValueError(f'{labels.shape[0]} labels for {scores.shape[0]} score rows')
    ranked = scores.topk(min(max(topk), scores.shape[1]), dim=1).indices
    hits = ranked == labels.to(ranked.device).long().unsqueeze(1)
    return {k: hits[:, :k].any(dim=1).double().mean().item() for k in topk}


def gather_in_sampler_order(local: torch.Tensor, size: int) -> torch.Tensor:
    """(size, ...) rows of all ranks in dataset order from this rank's (n, ...) rows, undoing
    ``DefaultSampler``'s sharding (rank r holds r, r + W, ...; ``round_up`` padding dropped)."""
    return torch.stack(all_gather(local), dim=1).flatten(0, 1)[:size]


@torch.no_grad()
def embed_clips(
    encoder: nn.Module, preprocessor: Optional[nn.Module], loader: Iterable[dict]
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Features (N, D), pooled as the linear probe pools them and averaged over clips, and
    labels (N,) of a dataloader of (num_clips, M, T, V, C) ``inputs`` (through
    ``preprocessor``, else stacked as float32), gathered over ranks (``DefaultSampler`` order)."""
    was_training, device = encoder.training, next(encoder.parameters()).device
    encoder.eval()
    features, labels = [], []
    for batch in loader:
        if preprocessor is None:
            inputs = torch.stack(batch['inputs']).to(device=device, dtype=torch.float32)
        else:
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
