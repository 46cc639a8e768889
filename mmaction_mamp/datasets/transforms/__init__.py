"""Skeleton pipeline transforms (registered in mmaction2's TRANSFORMS)."""
