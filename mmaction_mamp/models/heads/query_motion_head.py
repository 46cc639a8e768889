"""A lighter MAMP decoder: patch queries that cross-attend to the visible tokens.

MAMP's decoder (``MAMPMotionHead``) runs self-attention blocks over all L tokens, of
which 90 % are mask tokens; at NTU-60 scale it costs several times the encoder. This head
keeps MAMP's target and loss and predicts the same motion with far less work, after two
successors of MAMP (neither has released code; this is our formulation):

* AMR (CVPR 2026, arXiv 2606.11450): learnable queries with their own spatio-temporal
  position embeddings that only cross-attend to the encoder's visible tokens (no
  self-attention over mask tokens), each query predicting a patch of several tokens, and
  a motion-energy weighting of the reconstruction loss;
* GFP (ICCV 2025, arXiv 2509.03609): a coarser temporal grid of decoder outputs.

What stays MAMP's: the target (frame-level forward differences, stride 1, cut into the
encoder's tokens, normalised per token), the loss over masked tokens only, and the call
interface of ``MAMPMotionHead`` (``forward`` / ``loss`` take the same tensors), so the
``MAMP`` model, the masking and the encoder are unchanged.

Notation: B sequences (persons folded into the batch), K visible tokens, TP x VP = L
token grid, qt x qv tokens per query patch, Q = (TP/qt) * (VP/qv) queries, Dd decoder
width, P = u*p*C values per token.
"""

from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn

from ...utils.skeleton_tokens import normalize_per_token, token_motion
from ..utils.transformer import FeedForward, init_linear_and_norm


class CrossAttention(nn.Module):
    """Multi-head attention of queries over a memory, through fused SDPA.

    Args:
        dim: width Dd of queries and memory.
        num_heads: heads H; Dd must be divisible by H. Scale (Dd/H)^-0.5.
        qkv_bias: bias on the q and stacked k, v projections.
    """

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'width {dim} is not divisible by {num_heads} heads')
        self.num_heads = num_heads
        self.q = nn.Linear(dim, dim, bias=qkv_bias)
        self.kv = nn.Linear(dim, dim * 2, bias=qkv_bias)
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
    """Pre-norm block without self-attention:
    q + Attn(LN(q), LN(memory)); q + MLP(LN(q)). The memory is not updated."""

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
class MAMPQueryHead(BaseModule):
    """MAMP's masked-motion objective with a cross-attention query decoder.

    One learned query per patch of ``query_patch_size`` = (qt, qv) tokens, with its own
    temporal (1, TP/qt, 1, Dd) and spatial (1, 1, VP/qv, Dd) position embeddings, attends
    to the visible tokens only (projected to Dd, plus the decoder's token-level spatial /
    temporal embeddings at their positions). Queries never attend to each other, so the
    decoder costs O(Q * K) attention instead of MAMP's O(L^2), and its MLPs run on Q
    queries instead of L tokens (NTU-60: Q = 125 instead of L = 750). Each query
    predicts the qt*qv*P motion values of its patch, which are cut back into tokens, so
    the prediction and the target are MAMP's, token by token.

    The loss is MAMP's per-token mean squared error over masked tokens, optionally
    weighted by motion energy (``motion_weight`` beta): with e the mean squared raw
    (un-normalised) motion of a token and ē its mean over the sequence's masked tokens,
    a masked token weighs (1 - beta) + beta * e / ē, so the weights of a moving person
    average 1 over its masked tokens and still tokens weigh less; an all-zero (absent)
    person's tokens weigh 1 - beta. beta = 0 gives MAMP's unweighted loss.

    Args:
        embed_dims: encoder width D.
        decoder_embed_dims: decoder width Dd.
        decoder_depth: cross-attention blocks.
        decoder_num_heads: attention heads.
        mlp_ratio: MLP hidden width / Dd.
        query_patch_size: (qt, qv) tokens per query along time and joints; TP and VP
            must be multiples. (6, 1): NTU-60's 30 x 25 grid -> 125 queries.
        motion_weight: beta of the motion-energy weighting, in [0, 1].
        num_frames: clip length T.
        num_joints: joints V.
        temporal_patch_size: frames per token u.
        spatial_patch_size: joints per token p.
        in_channels: coordinates per joint C.
        norm_target: per-token normalisation of the motion target (MAMP's).
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
        super().__init__(init_cfg=init_cfg)
        grid = (num_frames // temporal_patch_size, num_joints // spatial_patch_size)
        qt, qv = query_patch_size
        if grid[0] % qt or grid[1] % qv:
            raise ValueError(
                f'query_patch_size={tuple(query_patch_size)} does not tile the '
                f'{grid[0]} x {grid[1]} token grid (time x joints)'
            )
        if not 0.0 <= motion_weight <= 1.0:
            raise ValueError(f'motion_weight must lie in [0, 1], got {motion_weight}')
        self.temporal_patch_size = temporal_patch_size
        self.spatial_patch_size = spatial_patch_size
        self.query_patch_size = (qt, qv)
        self.token_grid = grid
        self.query_grid = (grid[0] // qt, grid[1] // qv)
        self.motion_weight = motion_weight
        self.norm_target = norm_target
        self.values_per_token = temporal_patch_size * spatial_patch_size * in_channels

        self.decoder_embed = nn.Linear(embed_dims, decoder_embed_dims)
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, 1, grid[1], decoder_embed_dims))
        self.decoder_temp_embed = nn.Parameter(torch.zeros(1, grid[0], 1, decoder_embed_dims))
        self.query_token = nn.Parameter(torch.zeros(1, 1, 1, decoder_embed_dims))
        self.query_pos_embed = nn.Parameter(
            torch.zeros(1, 1, self.query_grid[1], decoder_embed_dims)
        )
        self.query_temp_embed = nn.Parameter(
            torch.zeros(1, self.query_grid[0], 1, decoder_embed_dims)
        )
        self.decoder_blocks = nn.ModuleList(
            CrossAttentionBlock(decoder_embed_dims, decoder_num_heads, mlp_ratio)
            for _ in range(decoder_depth)
        )
        self.decoder_norm = nn.LayerNorm(decoder_embed_dims)
        self.decoder_pred = nn.Linear(decoder_embed_dims, qt * qv * self.values_per_token)

        for embedding in (
            self.decoder_pos_embed,
            self.decoder_temp_embed,
            self.query_token,
            self.query_pos_embed,
            self.query_temp_embed,
        ):
            nn.init.trunc_normal_(embedding, std=0.02)
        self.apply(init_linear_and_norm)

    @property
    def num_queries(self) -> int:
        """Queries per sequence Q = (TP/qt) * (VP/qv)."""
        return self.query_grid[0] * self.query_grid[1]

    def visible_memory(self, latent: torch.Tensor, ids_keep: torch.Tensor) -> torch.Tensor:
        """Visible latents at decoder width with their positions' embeddings.

        Args:
            latent: (B, K, D) encoded visible tokens.
            ids_keep: (B, K) their token indices (time-major, t * VP + v).

        Returns:
            (B, K, Dd).
        """
        width = self.decoder_temp_embed.shape[-1]
        positions = (self.decoder_temp_embed + self.decoder_pos_embed).reshape(-1, width)
        return self.decoder_embed(latent) + positions[ids_keep]

    def forward(self, latent: torch.Tensor, ids_keep: torch.Tensor) -> torch.Tensor:
        """Predict motion for every token.

        Args:
            latent: (B, K, D) encoded visible tokens.
            ids_keep: (B, K) their token indices.

        Returns:
            (B, L, P) predictions in token order (as ``MAMPMotionHead`` returns them).
        """
        memory = self.visible_memory(latent, ids_keep)
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

    def motion_target(self, x: torch.Tensor) -> torch.Tensor:
        """MAMP's target, (B, T, V, C) -> (B, L, P), normalised per token if ``norm_target``."""
        motion = token_motion(x, self.temporal_patch_size, self.spatial_patch_size)
        return normalize_per_token(motion) if self.norm_target else motion

    def token_weights(self, raw_motion: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Loss weight of every token: zero where visible, motion-energy weighted where masked.

        Args:
            raw_motion: (B, L, P) un-normalised motion per token.
            mask: (B, L) bool, True = masked.

        Returns:
            (B, L) weights; (1 - beta) + beta * e / ē on masked tokens (see the class).
        """
        masked = mask.to(raw_motion.dtype)
        if self.motion_weight == 0:
            return masked
        energy = raw_motion.pow(2).mean(dim=-1)
        mean_energy = (energy * masked).sum(1, keepdim=True) / masked.sum(1, keepdim=True)
        relative = energy / mean_energy.clamp_min(torch.finfo(energy.dtype).tiny)
        beta = self.motion_weight
        return masked * ((1 - beta) + beta * relative)

    def loss(
        self, latent: torch.Tensor, ids_keep: torch.Tensor, mask: torch.Tensor, x: torch.Tensor
    ) -> Dict[str, torch.Tensor]:
        """Weighted mean squared motion error over the masked tokens.

        Args:
            latent: (B, K, D) encoded visible tokens.
            ids_keep: (B, K) their token indices.
            mask: (B, L) bool, True = masked.
            x: (B, T, V, C) input skeletons (target source).

        Returns:
            ``dict(loss=...)``: sum(per-token MSE * weight) / number of masked tokens.
        """
        pred = self.forward(latent, ids_keep).float()
        motion = token_motion(x.float(), self.temporal_patch_size, self.spatial_patch_size)
        target = normalize_per_token(motion) if self.norm_target else motion
        per_token = (pred - target).pow(2).mean(dim=-1)
        weights = self.token_weights(motion, mask)
        return dict(loss=(per_token * weights).sum() / mask.sum())
