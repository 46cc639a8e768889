"""A lighter MAMP decoder: patch queries that cross-attend to the visible tokens, instead of
``MAMPMotionHead``'s self-attention over all L tokens (90 % mask tokens). Our formulation
after AMR (CVPR 2026, arXiv 2606.11450: cross-attending queries, motion-energy weighted
loss) and GFP (ICCV 2025, arXiv 2509.03609: a coarser output grid), neither with released
code. MAMP's target, masked loss and ``forward`` / ``loss`` interface stay.

Notation: B sequences, K visible tokens, TP x VP = L token grid, qt x qv tokens per query
patch, Q = (TP/qt) * (VP/qv) queries, Dd decoder width, P = u*p*C values per token.
"""

from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import nn

from ..utils.transformer import FeedForward, init_linear_and_norm
from .motion_prediction_head import MaskedMotionHead


class CrossAttention(nn.Module):
    """Multi-head attention of queries over a memory of the same width Dd, through fused
    SDPA (scale (Dd/H)^-0.5)."""

    def __init__(self, dim: int, num_heads: int) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'width {dim} is not divisible by {num_heads} heads')
        self.num_heads = num_heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, dim * 2)
        self.proj = nn.Linear(dim, dim)

    def forward(self, queries: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        """(B, Q, Dd) queries over (B, K, Dd) memory -> (B, Q, Dd)."""
        b, n, d = queries.shape
        heads, head_dim = self.num_heads, d // self.num_heads
        q = self.q(queries).reshape(b, n, heads, head_dim).transpose(1, 2)
        kv = self.kv(memory).reshape(b, memory.shape[1], 2, heads, head_dim)
        k, v = (t.transpose(1, 2) for t in kv.unbind(2))  # each (B, H, K, Dd/H)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(out.transpose(1, 2).reshape(b, n, d))


class CrossAttentionBlock(nn.Module):
    """q + Attn(LN(q), LN(memory)), then q + MLP(LN(q)): no self-attention, fixed memory."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.norm_memory = nn.LayerNorm(dim)
        self.attn = CrossAttention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = FeedForward(dim, int(dim * mlp_ratio))

    def forward(self, queries: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        """(B, Q, Dd), (B, K, Dd) -> (B, Q, Dd)."""
        queries = queries + self.attn(self.norm1(queries), self.norm_memory(memory))
        return queries + self.mlp(self.norm2(queries))


@MODELS.register_module()
class MAMPQueryHead(MaskedMotionHead):
    """MAMP's masked-motion objective with a cross-attention query decoder: one learned query
    per (qt, qv) patch of tokens, with its own temporal and spatial embeddings, attends only
    to the visible tokens (plus their position embeddings), O(Q * K) instead of O(L^2)
    (NTU-60: 125 queries instead of 750 tokens), and predicts its patch's qt*qv*P values.

    Loss weights (``motion_weight`` beta): with e the mean squared raw motion of a token
    and ē its mean over the sequence's masked tokens, a masked token weighs
    (1 - beta) + beta * e / ē, so a moving person's weights average 1 and still tokens
    weigh less; an all-zero (absent) person's weigh 1 - beta; beta = 0 is MAMP's loss.

    Args:
        embed_dims: encoder width D.
        decoder_embed_dims: decoder width Dd.
        decoder_depth: cross-attention blocks.
        decoder_num_heads: attention heads.
        mlp_ratio: MLP hidden width / Dd.
        query_patch_size: (qt, qv) tokens per query along time and joints; TP and VP
            must be multiples. (6, 1): NTU-60's 30 x 25 grid -> 125 queries.
        motion_weight: beta of the motion-energy weighting, in [0, 1].
        num_frames, num_joints, temporal_patch_size, spatial_patch_size, in_channels,
            norm_target: as :class:`MAMPMotionHead`.
    """

    def __init__(
        self,
        embed_dims: int = 256,
        decoder_embed_dims: int = 128,
        decoder_depth: int = 2,
        decoder_num_heads: int = 4,
        mlp_ratio: float = 4.0,
        query_patch_size: Tuple[int, int] = (6, 1),
        motion_weight: float = 0.5,
        num_frames: int = 120,
        num_joints: int = 25,
        temporal_patch_size: int = 4,
        spatial_patch_size: int = 1,
        in_channels: int = 3,
        norm_target: bool = True,
        init_cfg: Optional[dict] = None,
    ) -> None:
        super().__init__(temporal_patch_size, spatial_patch_size, norm_target, init_cfg)
        grid = (num_frames // temporal_patch_size, num_joints // spatial_patch_size)
        qt, qv = query_patch_size
        if grid[0] % qt or grid[1] % qv:
            raise ValueError(
                f'query_patch_size={tuple(query_patch_size)} does not tile the '
                f'{grid[0]} x {grid[1]} token grid (time x joints)'
            )
        if not 0.0 <= motion_weight <= 1.0:
            raise ValueError(f'motion_weight must lie in [0, 1], got {motion_weight}')
        self.query_patch_size = (qt, qv)
        self.query_grid = (grid[0] // qt, grid[1] // qv)
        self.motion_weight = motion_weight
        self.values_per_token = temporal_patch_size * spatial_patch_size * in_channels

        width = decoder_embed_dims
        self.decoder_embed = nn.Linear(embed_dims, width)
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, 1, grid[1], width))
        self.decoder_temp_embed = nn.Parameter(torch.zeros(1, grid[0], 1, width))
        self.query_token = nn.Parameter(torch.zeros(1, 1, 1, width))
        self.query_pos_embed = nn.Parameter(torch.zeros(1, 1, self.query_grid[1], width))
        self.query_temp_embed = nn.Parameter(torch.zeros(1, self.query_grid[0], 1, width))
        self.decoder_blocks = nn.ModuleList(
            CrossAttentionBlock(width, decoder_num_heads, mlp_ratio) for _ in range(decoder_depth)
        )
        self.decoder_norm = nn.LayerNorm(width)
        self.decoder_pred = nn.Linear(width, qt * qv * self.values_per_token)

        for embedding in self.parameters(recurse=False):  # the five embeddings above, in order
            nn.init.trunc_normal_(embedding, std=0.02)
        self.apply(init_linear_and_norm)

    @property
    def num_queries(self) -> int:
        """Queries per sequence Q = (TP/qt) * (VP/qv)."""
        return self.query_grid[0] * self.query_grid[1]

    def forward(self, latent: torch.Tensor, ids_keep: torch.Tensor) -> torch.Tensor:
        """(B, K, D) visible latents at token indices (B, K) -> (B, L, P) predictions."""
        width = self.decoder_temp_embed.shape[-1]
        positions = (self.decoder_temp_embed + self.decoder_pos_embed).reshape(-1, width)
        memory = self.decoder_embed(latent) + positions[ids_keep]  # (B, K, Dd)
        queries = self.query_token + self.query_temp_embed + self.query_pos_embed
        queries = queries.flatten(1, 2).expand(memory.shape[0], -1, -1)  # (B, Q, Dd)
        for block in self.decoder_blocks:
            queries = block(queries, memory)
        patches = self.decoder_pred(self.decoder_norm(queries))  # (B, Q, qt*qv*P)
        return self.patches_to_tokens(patches)

    def patches_to_tokens(self, patches: torch.Tensor) -> torch.Tensor:
        """Cut query outputs into tokens: (B, Q, qt*qv*P) -> (B, L, P), time-major."""
        (tq, vq), (qt, qv) = self.query_grid, self.query_patch_size
        b = patches.shape[0]
        tokens = patches.reshape(b, tq, vq, qt, qv, self.values_per_token)
        return tokens.permute(0, 1, 3, 2, 4, 5).reshape(b, tq * qt * vq * qv, -1)

    def token_weights(self, raw_motion: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, L) weights from (B, L, P) raw motion and the (B, L) mask: zero where visible,
        (1 - beta) + beta * e / ē where masked (see the class)."""
        masked = super().token_weights(raw_motion, mask)
        if self.motion_weight == 0:
            return masked
        energy = raw_motion.pow(2).mean(dim=-1)
        mean_energy = (energy * masked).sum(1, keepdim=True) / masked.sum(1, keepdim=True)
        relative = energy / mean_energy.clamp_min(torch.finfo(energy.dtype).tiny)
        beta = self.motion_weight
        return masked * ((1 - beta) + beta * relative)
