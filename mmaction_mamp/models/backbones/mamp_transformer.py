"""MAMP skeleton transformer encoder (as in the official MAMP code)."""

from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn

from ...utils.errors import CheckpointError
from ..utils.transformer import TransformerBlock, init_linear_and_norm


class SkeletonTokenEmbed(nn.Module):
    """One token per (u, p) patch: Conv2d with kernel = stride = (u, p), PyTorch's init."""

    def __init__(self, in_channels: int, embed_dims: int, patch_size: Tuple[int, int]) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dims, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, V, C) -> (B, TP, VP, D)."""
        return self.proj(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


def resize_temporal_embedding(embed: torch.Tensor, num_patches: int) -> torch.Tensor:
    """Bicubically resize a (1, TP, 1, D) temporal embedding to ``num_patches``."""
    grid = embed.permute(0, 3, 1, 2).float()  # (1, D, TP, 1)
    grid = F.interpolate(grid, size=(num_patches, 1), mode='bicubic', align_corners=False)
    return grid.permute(0, 2, 3, 1).to(embed.dtype)


def fit_checkpoint_to_encoder(
    encoder: 'MAMPTransformer', state_dict: Dict[str, torch.Tensor], prefix: str, *args
) -> None:
    """``load_state_dict`` pre-hook: resize a ``temp_embed`` of another clip length (as
    the official fine-tuning does), raise :class:`CheckpointError` listing any other
    shape mismatch."""
    stored = state_dict.get(prefix + 'temp_embed')
    if stored is not None and stored.dim() == 4 and stored.shape[1] != encoder.temp_embed.shape[1]:
        state_dict[prefix + 'temp_embed'] = resize_temporal_embedding(
            stored, encoder.num_temporal_patches
        )
    mismatched = [
        f'{prefix}{name}: checkpoint {tuple(state_dict[prefix + name].shape)} '
        f'vs model {tuple(tensor.shape)}'
        for name, tensor in encoder.state_dict().items()
        if prefix + name in state_dict and state_dict[prefix + name].shape != tensor.shape
    ]
    if mismatched:
        raise CheckpointError(
            'pre-trained weights do not fit this MAMPTransformer; shape mismatches: '
            + '; '.join(mismatched)
        )


@MODELS.register_module()
class MAMPTransformer(BaseModule):
    """Transformer encoder with joint spatio-temporal attention over skeleton tokens,
    persons folded into the batch, parameters named as officially.

    Args:
        in_channels, embed_dims: coordinates per joint C (3, or 2 for 2-D poses), width D.
        depth, num_heads, mlp_ratio, qkv_bias: blocks, heads, MLP width / D, q k v bias.
        num_frames, num_joints: clip length T and joints V.
        temporal_patch_size, spatial_patch_size: frames u and joints p per token.
        drop_rate, attn_drop_rate: dropout after the attention projection and in the MLP,
            and on the attention weights.
        drop_path_rate: stochastic depth, rising linearly 0 -> rate over blocks.
        frozen: freeze every parameter and stay in eval mode (linear probe).
        init_cfg: e.g. ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
    """

    def __init__(
        self,
        in_channels: int = 3,
        embed_dims: int = 256,
        depth: int = 8,
        num_heads: int = 8,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = True,
        num_frames: int = 120,
        num_joints: int = 25,
        temporal_patch_size: int = 4,
        spatial_patch_size: int = 1,
        drop_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        frozen: bool = False,
        init_cfg: Optional[dict] = None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_frames % temporal_patch_size or num_joints % spatial_patch_size:
            raise ValueError(
                f'num_frames={num_frames} / num_joints={num_joints} are not multiples of the '
                f'patch size ({temporal_patch_size}, {spatial_patch_size})'
            )
        self.in_channels = in_channels
        self.embed_dims = embed_dims
        self.num_frames = num_frames
        self.num_joints = num_joints
        self.temporal_patch_size = temporal_patch_size
        self.spatial_patch_size = spatial_patch_size
        self.num_temporal_patches = num_frames // temporal_patch_size
        self.num_spatial_patches = num_joints // spatial_patch_size
        self.frozen = frozen

        self.joints_embed = SkeletonTokenEmbed(
            in_channels, embed_dims, (temporal_patch_size, spatial_patch_size)
        )
        self.pos_embed = nn.Parameter(torch.zeros(1, 1, self.num_spatial_patches, embed_dims))
        self.temp_embed = nn.Parameter(torch.zeros(1, self.num_temporal_patches, 1, embed_dims))
        self.pos_drop = nn.Dropout(drop_rate)
        self.blocks = nn.ModuleList(
            TransformerBlock(
                embed_dims, num_heads, mlp_ratio, qkv_bias, drop_rate, attn_drop_rate, rate
            )
            for rate in torch.linspace(0, drop_path_rate, depth).tolist()
        )
        self.norm = nn.LayerNorm(embed_dims)

        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.temp_embed, std=0.02)
        self.apply(init_linear_and_norm)  # blocks and norm: joints_embed is a Conv2d
        self.requires_grad_(not frozen)
        self.register_load_state_dict_pre_hook(fit_checkpoint_to_encoder)

    def get_layer_depth(self, param_name: str, prefix: str = '') -> Tuple[int, int]:
        """(layer id, depth + 2) for layer-wise lr decay (mmpretrain's protocol).

        Embeddings are layer 0, ``blocks.<i>`` layer ``i + 1``; the final ``norm`` and
        every name not starting with ``prefix`` (heads, a decoder) the last layer.
        """
        num_layers = len(self.blocks) + 2
        name = param_name[len(prefix) :] if param_name.startswith(prefix) else ''
        if name.startswith('blocks.'):
            return int(name.split('.')[1]) + 1, num_layers
        if name.startswith(('joints_embed.', 'pos_embed', 'temp_embed')):
            return 0, num_layers
        return num_layers - 1, num_layers

    @property
    def num_tokens(self) -> int:
        """Tokens per person L = TP * VP."""
        return self.num_temporal_patches * self.num_spatial_patches

    def train(self, mode: bool = True) -> 'MAMPTransformer':
        """Switch mode; a frozen encoder always stays in eval mode."""
        return super().train(mode and not self.frozen)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, V, C) skeletons -> (B, L, D) tokens with embeddings, time-major."""
        if x.dim() != 4 or x.shape[1:3] != (self.num_frames, self.num_joints):
            raise ValueError(
                f'expected skeletons (B, T={self.num_frames}, V={self.num_joints}, C), the '
                f'token grid this encoder is built for; got {tuple(x.shape)}'
            )
        tokens = self.joints_embed(x) + self.pos_embed + self.temp_embed
        return self.pos_drop(tokens.flatten(1, 2))

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:
        """Transformer blocks and final norm, (B, N, D) -> (B, N, D)."""
        for block in self.blocks:
            tokens = block(tokens)
        return self.norm(tokens)

    def forward_visible(
        self, x: torch.Tensor, mask: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode only the visible tokens (pre-training): (B, T, V, C) skeletons and a (B, L)
        mask (True = masked, the same count per row) -> (B, K, D) latents of the K visible
        tokens in token order, and their (B, K) indices ``ids_keep``."""
        tokens = self.embed(x)
        if mask.shape != tokens.shape[:2]:
            raise ValueError(f'mask of shape {tuple(mask.shape)}, expected {tokens.shape[:2]}')
        visible_counts = (~mask).sum(dim=1)
        num_visible = int(visible_counts[0])
        if bool((visible_counts != num_visible).any()):
            raise ValueError('every sequence must keep the same number of visible tokens')
        ids_keep = mask.to(torch.uint8).argsort(dim=1, stable=True)[:, :num_visible]
        visible = tokens.gather(1, ids_keep.unsqueeze(-1).expand(-1, -1, tokens.shape[-1]))
        return self.encode(visible), ids_keep

    def forward_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """Encode every token: (B, T, V, C) -> (B, TP, VP, D)."""
        encoded = self.encode(self.embed(x))
        return encoded.reshape(x.shape[0], self.num_temporal_patches, self.num_spatial_patches, -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, M, T, V, C) skeletons -> (N, M, D, TP, VP), the layout ``GCNHead`` pools."""
        if x.dim() != 5:
            raise ValueError(f'expected skeletons (N, M, T, V, C), got {tuple(x.shape)}')
        features = self.forward_tokens(x.flatten(0, 1))
        return features.reshape(*x.shape[:2], *features.shape[1:]).permute(0, 1, 4, 2, 3)
