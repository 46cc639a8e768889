"""Weighted cosine k-NN classification of frozen features.

The usual self-supervised k-NN protocol (Wu et al., "Unsupervised Feature Learning via
Non-Parametric Instance Discrimination", CVPR 2018; also DINO): features are L2-normalised,
each query takes its ``k`` most cosine-similar training features, each neighbour votes for its
label with weight ``exp(similarity / temperature)``, and a class's score is the sum of its
votes.
"""

from typing import Dict, Sequence

import torch


def knn_class_scores(
    train_features: torch.Tensor,
    train_labels: torch.Tensor,
    query_features: torch.Tensor,
    num_classes: int,
    k: int = 20,
    temperature: float = 0.07,
    chunk_size: int = 1024,
) -> torch.Tensor:
    """Temperature-weighted cosine k-NN class scores.

    Args:
        train_features: (N, D) labelled bank.
        train_labels: (N,) int64 labels in [0, num_classes).
        query_features: (Q, D) features to classify.
        num_classes: K.
        k: neighbours per query (all N when the bank is smaller).
        temperature: T in the vote weight exp(cosine / T).
        chunk_size: queries compared with the bank at a time (bounds the (chunk, N)
            similarity matrix in memory).

    Returns:
        (Q, K) float scores: for each class the summed weights of its neighbours.
    """
    if train_features.dim() != 2 or query_features.dim() != 2:
        raise ValueError(
            f'features must be (N, D) and (Q, D), got {tuple(train_features.shape)} and '
            f'{tuple(query_features.shape)}'
        )
    if train_features.shape[1] != query_features.shape[1]:
        raise ValueError(
            f'bank width {train_features.shape[1]} != query width {query_features.shape[1]}'
        )
    if train_labels.shape != train_features.shape[:1]:
        raise ValueError(
            f'{train_labels.numel()} labels for {train_features.shape[0]} bank features'
        )
    if len(train_labels) and not 0 <= int(train_labels.min()) <= int(train_labels.max()) < (
        num_classes
    ):
        raise ValueError(f'bank labels must lie in [0, {num_classes})')
    if k < 1 or temperature <= 0:
        raise ValueError(f'need k >= 1 and temperature > 0, got k={k}, T={temperature}')
    bank = torch.nn.functional.normalize(train_features.float(), dim=1)
    queries = torch.nn.functional.normalize(query_features.float(), dim=1)
    labels = train_labels.long().to(bank.device)
    k = min(k, bank.shape[0])
    scores = []
    for chunk in queries.split(chunk_size):
        similarity, neighbours = (chunk @ bank.T).topk(k, dim=1)
        votes = (similarity / temperature).exp()
        chunk_scores = torch.zeros(chunk.shape[0], num_classes, device=bank.device)
        scores.append(chunk_scores.scatter_add_(1, labels[neighbours], votes))
    return torch.cat(scores) if scores else queries.new_zeros(0, num_classes)


def topk_accuracy(
    scores: torch.Tensor, labels: torch.Tensor, topk: Sequence[int] = (1, 5)
) -> Dict[int, float]:
    """Fraction of queries whose label is among their ``k`` best-scored classes.

    Ties are broken by ``torch.topk`` (lower class index first on CPU). A ``k`` larger than
    the number of classes counts every query as correct.

    Args:
        scores: (Q, K) class scores.
        labels: (Q,) true labels.
        topk: the k values to report.

    Returns:
        ``{k: accuracy in [0, 1]}``.
    """
    if scores.shape[0] != labels.shape[0] or scores.shape[0] == 0:
        raise ValueError(f'{labels.shape[0]} labels for {scores.shape[0]} score rows')
    ranked = scores.topk(min(max(topk), scores.shape[1]), dim=1).indices
    hits = ranked == labels.to(ranked.device).long().unsqueeze(1)
    return {k: hits[:, :k].any(dim=1).double().mean().item() for k in topk}
