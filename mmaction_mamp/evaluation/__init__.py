"""Evaluation helpers that need no labels at training time (k-NN on frozen features)."""

from .knn import embed_clips, knn_class_scores, topk_accuracy
from .pooling import pool_encoder_features

__all__ = ['embed_clips', 'knn_class_scores', 'pool_encoder_features', 'topk_accuracy']
