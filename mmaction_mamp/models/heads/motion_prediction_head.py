"""MAMP decoder and masked-motion loss (as in the official MAMP code)."""

from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn

from ...utils.skeleton_tokens import normalize_per_token, token_motion
from ..utils.transformer import TransformerBlock, init_linear_and_norm


class MaskedMotionHead(BaseModule):
    """Base of the MAMP decoders: MAMP's motion target and masked loss around ``forward``.

    Subclasses build the decoder and implement ``forward(latent, ids_keep)``: (B, K, D)
    visible latents at token indices (B, K) -> (B, L, u*p*C) predictions, time-major.
    """

    def __init__(
        self,
        temporal_patch_size: int,
        spatial_patch_size: int,
        norm_target: bool,
        init_cfg: Optional[dict] = None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        self.temporal_patch_size = temporal_patch_size
        self.spatial_patch_size = spatial_patch_size
        self.norm_target = norm_target

    def motion_target(self, x: torch.Tensor) -> torch.Tensor:
        """Frame-level motion cut into tokens, (B, T, V, C) -> (B, L, u*p*C), normalised per
        token if ``norm_target``."""
        target = token_motion(x, self.temporal_patch_size, self.spatial_patch_size)
        return normalize_per_token(target) if self.norm_target else target

    def token_weights(self, motion: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, L) loss weights from (B, L, u*p*C) raw motion and the (B, L) mask: 1 if masked."""
        return mask.to(motion.dtype)

    def loss(
        self, latent: torch.Tensor, ids_keep: torch.Tensor, mask: torch.Tensor, x: torch.Tensor
    ) -> Dict[str, torch.Tensor]:
        """``dict(loss=sum(per-token MSE * token weight) / number of masked tokens)`` of
        (B, K, D) visible latents at (B, K) token indices, the (B, L) mask (True = masked)
        and the (B, T, V, C) skeletons (the target's source)."""
        pred = self.forward(latent, ids_keep).float()
        motion = token_motion(x.float(), self.temporal_patch_size, self.spatial_patch_size)
        target = normalize_per_token(motion) if self.norm_target else motion
        per_token = (pred - target).pow(2).mean(dim=-1)
        return dict(loss=(per_token * self.token_weights(motion, mask)).sum() / mask.sum())


@MODELS.register_module()
class MAMPMotionHead(MaskedMotionHead):
    """Decoder predicting the normalised temporal motion of every token.

    Visible latents are projected to width Dd, masked positions filled with a learned
    ``mask_token``, spatial / temporal embeddings added, and a light transformer predicts
    u*p*C motion values per token. Names follow the official release. ``MAMP`` fills the
    geometry arguments (``embed_dims`` to ``in_channels``) from its encoder.

    Args:
        embed_dims: encoder width D.
        decoder_embed_dims: decoder width Dd.
        decoder_depth: decoder blocks (3 for NTU-60, 5 for NTU-120 / PKU-MMD).
        decoder_num_heads: decoder attention heads.
        mlp_ratio: MLP hidden width / Dd.
        num_frames, num_joints, in_channels: clip length T, joints V, coordinates C.
        temporal_patch_size, spatial_patch_size: frames u and joints p per token.
        norm_target: per-token normalisation of the motion target.
    """

    def __init__(
        self,
        embed_dims: int = 256,
        decoder_embed_dims: int = 256,
        decoder_depth: int = 3,
        decoder_num_heads: int = 8,
        mlp_ratio: float = 4.0,
        num_frames: int = 120,
        num_joints: int = 25,
        temporal_patch_size: int = 4,
        spatial_patch_size: int = 1,
        in_channels: int = 3,
        norm_target: bool = True,
        init_cfg: Optional[dict] = None,
    ) -> None:
        super().__init__(temporal_patch_size, spatial_patch_size, norm_target, init_cfg)
        width = decoder_embed_dims
        grid = (num_frames // temporal_patch_size, num_joints // spatial_patch_size)
        self.decoder_embed = nn.Linear(embed_dims, width)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, width))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, 1, grid[1], width))
        self.decoder_temp_embed = nn.Parameter(torch.zeros(1, grid[0], 1, width))
        self.decoder_blocks = nn.ModuleList(
            TransformerBlock(width, decoder_num_heads, mlp_ratio) for _ in range(decoder_depth)
        )
        self.decoder_norm = nn.LayerNorm(width)
        self.decoder_pred = nn.Linear(width, temporal_patch_size * spatial_patch_size * in_channels)
        for embedding in (self.mask_token, self.decoder_pos_embed, self.decoder_temp_embed):
            nn.init.trunc_normal_(embedding, std=0.02)
        self.apply(init_linear_and_norm)

    def forward(self, latent: torch.Tensor, ids_keep: torch.Tensor) -> torch.Tensor:
        """(B, K, D) visible latents at token indices (B, K) -> (B, L, u*p*C) predictions."""
        visible = self.decoder_embed(latent)
        b, _, width = visible.shape
        grid = self.decoder_temp_embed.shape[1], self.decoder_pos_embed.shape[2]
        tokens = self.mask_token.to(visible.dtype).expand(b, grid[0] * grid[1], width)
        index = ids_keep.unsqueeze(-1).expand(-1, -1, width)
        tokens = tokens.scatter(1, index, visible).reshape(b, *grid, width)
        tokens = (tokens + self.decoder_pos_embed + self.decoder_temp_embed).flatten(1, 2)
        for block in self.decoder_blocks:
            tokens = block(tokens)
        return self.decoder_pred(self.decoder_norm(tokens))
