"""Pre-norm ViT building blocks with fused attention (timm-style names).

Parameter names match the official MAMP / MAE blocks (``norm1``, ``attn.qkv``,
``attn.proj``, ``norm2``, ``mlp.fc1``, ``mlp.fc2``) so official checkpoints map
one to one.
"""

import torch
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from torch import nn


class MultiheadSelfAttention(nn.Module):
    """Multi-head self-attention over all tokens through fused SDPA.

    Args:
        dim: token width D.
        num_heads: heads H; D must be divisible by H. Scale is (D/H)^-0.5.
        qkv_bias: bias on the stacked q, k, v projection.
        attn_drop: dropout on attention weights (training only).
        proj_drop: dropout after the output projection.
    """

    def __init__(
        self,
        dim: int,
        num_heads: int,
        qkv_bias: bool = True,
        attn_drop: float = 0.0,
        proj_drop: float = 0.0,
    ) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'width {dim} is not divisible by {num_heads} heads')
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = attn_drop
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, N, D) -> (B, N, D)."""
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, d // self.num_heads)
        # Views only: unbinding the stacked axis keeps (B, N, H, D/H) storage, so the
        # gradient of q, k, v stacks straight into the qkv projection's layout, and the
        # CPU/CUDA kernels return the output in (B, N, H, D/H) storage as well.
        q, k, v = (t.transpose(1, 2) for t in qkv.unbind(2))  # each (B, H, N, D/H)
        dropout = self.attn_drop if self.training else 0.0
        out = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout)
        out = out.transpose(1, 2).reshape(b, n, d)
        return self.proj_drop(self.proj(out))


class FeedForward(nn.Module):
    """Two-layer MLP D -> hidden -> D with GELU."""

    def __init__(self, dim: int, hidden_dim: int, drop: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dim, dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(..., D) -> (..., D)."""
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class TransformerBlock(nn.Module):
    """x + DropPath(Attn(LN(x))); x + DropPath(MLP(LN(x))), LayerNorm eps 1e-5."""

    def __init__(
        self,
        dim: int,
        num_heads: int,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = True,
        drop: float = 0.0,
        attn_drop: float = 0.0,
        drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MultiheadSelfAttention(dim, num_heads, qkv_bias, attn_drop, drop)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = FeedForward(dim, int(dim * mlp_ratio), drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, N, D) -> (B, N, D)."""
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


def init_linear_and_norm(module: nn.Module) -> None:
    """Official init: xavier-uniform Linear weights, zero biases, LayerNorm 1/0.

    Use with ``module.apply``; convolutions keep PyTorch's default init.
    """
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)
