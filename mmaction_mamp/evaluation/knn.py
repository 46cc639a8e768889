"""Weighted cosine k-NN classification of frozen features (Wu et al., CVPR 2018; DINO): each
query's ``k`` most cosine-similar bank features vote for their label with weight
``exp(similarity / temperature)``."""

from typing import Dict, Sequence

import torch
from torch.nn.functional import normalize


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
