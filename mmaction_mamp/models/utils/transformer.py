"""Pre-norm ViT blocks with fused attention, named as the official MAMP / MAE blocks
(``norm1``, ``attn.qkv``, ``attn.proj``, ``norm2``, ``mlp.fc1``, ``mlp.fc2``)."""

import torch
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from mmengine.model import constant_init, xavier_init
from torch import nn


class MultiheadSelfAttention(nn.Module):
    """Multi-head self-attention through ``F.scaled_dot_product_attention`` (scale
    (D/H)^-0.5; ``attn_drop`` on the weights while training, ``proj_drop`` after ``proj``)."""

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
        # views of the (B, N, 3, H, D/H) storage: q, k, v gradients stack straight into qkv's
        q, k, v = (t.transpose(1, 2) for t in qkv.unbind(2))  # each (B, H, N, D/H)
        out = F.scaled_dot_product_attention(
            q, k, v, dropout_p=self.attn_drop if self.training else 0.0
        )
        return self.proj_drop(self.proj(out.transpose(1, 2).reshape(b, n, d)))


class FeedForward(nn.Module):
    """MLP D -> hidden -> D with GELU, (..., D) -> (..., D)."""

    def __init__(self, dim: int, hidden_dim: int, drop: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dim, dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class TransformerBlock(nn.Module):
    """x + DropPath(Attn(LN(x))), then x + DropPath(MLP(LN(x))); (B, N, D) -> (B, N, D)."""

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
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


def init_linear_and_norm(module: nn.Module) -> None:
    """Official init for ``module.apply``: xavier-uniform Linear, zero biases, LayerNorm 1/0."""
    if isinstance(module, nn.Linear):
        xavier_init(module, distribution='uniform')
    elif isinstance(module, nn.LayerNorm):
        constant_init(module, 1)
