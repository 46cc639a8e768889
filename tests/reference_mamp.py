"""Independent, deliberately plain reference of the official MAMP computations.

Everything here works on a state dict in the *official* layout (spec §7) and on
explicit tensor algebra: the token embedding is an einsum instead of a Conv2d,
LayerNorm / attention / GELU are written out, motion is computed frame by frame.
It shares no code with ``mmaction_mamp`` so tests comparing the two are a real
cross-check (same weights + same mask -> same numbers).

Shapes: B sequences (persons folded into the batch), T frames, V joints,
C coordinates, u temporal patch, TP = T // u, L = TP * V tokens, D width.
"""

import math
from typing import Dict, Optional

import torch

StateDict = Dict[str, torch.Tensor]

FINETUNE_HIDDEN = 2048


def _block_params(prefix: str, dim: int, gen: torch.Generator) -> StateDict:
    def rnd(*shape: int, std: float = 0.05) -> torch.Tensor:
        return torch.randn(*shape, generator=gen) * std

    return {
        f'{prefix}.norm1.weight': 1 + rnd(dim, std=0.1),
        f'{prefix}.norm1.bias': rnd(dim),
        f'{prefix}.attn.qkv.weight': rnd(3 * dim, dim, std=dim**-0.5),
        f'{prefix}.attn.qkv.bias': rnd(3 * dim),
        f'{prefix}.attn.proj.weight': rnd(dim, dim, std=dim**-0.5),
        f'{prefix}.attn.proj.bias': rnd(dim),
        f'{prefix}.norm2.weight': 1 + rnd(dim, std=0.1),
        f'{prefix}.norm2.bias': rnd(dim),
        f'{prefix}.mlp.fc1.weight': rnd(4 * dim, dim, std=dim**-0.5),
        f'{prefix}.mlp.fc1.bias': rnd(4 * dim),
        f'{prefix}.mlp.fc2.weight': rnd(dim, 4 * dim, std=(4 * dim) ** -0.5),
        f'{prefix}.mlp.fc2.bias': rnd(dim),
    }


def make_official_state_dict(
    depth: int = 8,
    decoder_depth: int = 3,
    embed_dim: int = 256,
    decoder_dim: int = 256,
    num_heads: int = 8,
    num_frames: int = 120,
    num_joints: int = 25,
    temporal_patch: int = 4,
    in_channels: int = 3,
    head: Optional[str] = None,
    num_classes: int = 60,
    seed: int = 0,
) -> StateDict:
    """Random tensors with the official MAMP names and shapes (spec §7).

    Args:
        decoder_depth: 0 leaves the decoder out (downstream checkpoints).
        head: None, ``'linear'`` or ``'finetune'`` adds the official
            downstream head tensors.
        num_heads: unused by the layout; accepted so callers can pass one
            model description to every helper here.
    """
    del num_heads
    gen = torch.Generator().manual_seed(seed)
    tp = num_frames // temporal_patch
    sd: StateDict = {
        'joints_embed.proj.weight': torch.randn(
            embed_dim, in_channels, temporal_patch, 1, generator=gen
        )
        * 0.3,
        'joints_embed.proj.bias': torch.randn(embed_dim, generator=gen) * 0.1,
        'pos_embed': torch.randn(1, 1, num_joints, embed_dim, generator=gen) * 0.02,
        'temp_embed': torch.randn(1, tp, 1, embed_dim, generator=gen) * 0.02,
    }
    for i in range(depth):
        sd.update(_block_params(f'blocks.{i}', embed_dim, gen))
    sd['norm.weight'] = 1 + torch.randn(embed_dim, generator=gen) * 0.1
    sd['norm.bias'] = torch.randn(embed_dim, generator=gen) * 0.05
    if decoder_depth:
        sd['decoder_embed.weight'] = torch.randn(decoder_dim, embed_dim, generator=gen) * 0.05
        sd['decoder_embed.bias'] = torch.randn(decoder_dim, generator=gen) * 0.05
        sd['mask_token'] = torch.randn(1, 1, decoder_dim, generator=gen) * 0.02
        sd['decoder_pos_embed'] = torch.randn(1, 1, num_joints, decoder_dim, generator=gen) * 0.02
        sd['decoder_temp_embed'] = torch.randn(1, tp, 1, decoder_dim, generator=gen) * 0.02
        for i in range(decoder_depth):
            sd.update(_block_params(f'decoder_blocks.{i}', decoder_dim, gen))
        sd['decoder_norm.weight'] = 1 + torch.randn(decoder_dim, generator=gen) * 0.1
        sd['decoder_norm.bias'] = torch.randn(decoder_dim, generator=gen) * 0.05
        sd['decoder_pred.weight'] = (
            torch.randn(temporal_patch * in_channels, decoder_dim, generator=gen) * 0.05
        )
        sd['decoder_pred.bias'] = torch.randn(temporal_patch * in_channels, generator=gen) * 0.05
    if head == 'linear':
        sd['head.fc.0.running_mean'] = torch.randn(embed_dim, generator=gen) * 0.1
        sd['head.fc.0.running_var'] = torch.rand(embed_dim, generator=gen) + 0.5
        sd['head.fc.0.num_batches_tracked'] = torch.tensor(1000)
        sd['head.fc.1.weight'] = torch.randn(num_classes, embed_dim, generator=gen) * 0.1
        sd['head.fc.1.bias'] = torch.randn(num_classes, generator=gen) * 0.1
    elif head == 'finetune':
        flat = num_joints * embed_dim
        sd['head.fc1.weight'] = torch.randn(FINETUNE_HIDDEN, flat, generator=gen) * flat**-0.5
        sd['head.fc1.bias'] = torch.randn(FINETUNE_HIDDEN, generator=gen) * 0.05
        sd['head.bn.weight'] = 1 + torch.randn(FINETUNE_HIDDEN, generator=gen) * 0.1
        sd['head.bn.bias'] = torch.randn(FINETUNE_HIDDEN, generator=gen) * 0.05
        sd['head.bn.running_mean'] = torch.randn(FINETUNE_HIDDEN, generator=gen) * 0.1
        sd['head.bn.running_var'] = torch.rand(FINETUNE_HIDDEN, generator=gen) + 0.5
        sd['head.bn.num_batches_tracked'] = torch.tensor(1000)
        sd['head.fc2.weight'] = torch.randn(num_classes, FINETUNE_HIDDEN, generator=gen) * 0.05
        sd['head.fc2.bias'] = torch.randn(num_classes, generator=gen) * 0.05
    elif head is not None:
        raise ValueError(f'unknown head {head!r}')
    return sd


# --------------------------------------------------------------------------- layers


def _layer_norm(x: torch.Tensor, sd: StateDict, prefix: str, eps: float = 1e-5) -> torch.Tensor:
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * sd[f'{prefix}.weight'] + sd[f'{prefix}.bias']


def _linear(x: torch.Tensor, sd: StateDict, prefix: str) -> torch.Tensor:
    return x @ sd[f'{prefix}.weight'].T + sd[f'{prefix}.bias']


def _gelu(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def _attention(x: torch.Tensor, sd: StateDict, prefix: str, num_heads: int) -> torch.Tensor:
    b, n, d = x.shape
    hd = d // num_heads
    qkv = _linear(x, sd, f'{prefix}.qkv').reshape(b, n, 3, num_heads, hd)
    q, k, v = (qkv[:, :, i].transpose(1, 2) for i in range(3))  # (B, H, N, hd)
    weights = torch.softmax(q @ k.transpose(-1, -2) * hd**-0.5, dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(b, n, d)
    return _linear(out, sd, f'{prefix}.proj')


def _block(x: torch.Tensor, sd: StateDict, prefix: str, num_heads: int) -> torch.Tensor:
    x = x + _attention(_layer_norm(x, sd, f'{prefix}.norm1'), sd, f'{prefix}.attn', num_heads)
    hidden = _gelu(_linear(_layer_norm(x, sd, f'{prefix}.norm2'), sd, f'{prefix}.mlp.fc1'))
    return x + _linear(hidden, sd, f'{prefix}.mlp.fc2')


def _count_blocks(sd: StateDict, prefix: str) -> int:
    return len({k.split('.')[1] for k in sd if k.startswith(prefix + '.')})


# --------------------------------------------------------------------------- encoder


def reference_embed(sd: StateDict, x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """Token embedding plus spatial / temporal embeddings.

    Args:
        x: (B, T, V, C) skeletons.

    Returns:
        (B, TP, V, D) embedded tokens.
    """
    b, t, v, c = x.shape
    weight = sd['joints_embed.proj.weight'][..., 0]  # (D, C, u)
    frames = x.reshape(b, t // temporal_patch, temporal_patch, v, c)
    tokens = torch.einsum('btuvc,dcu->btvd', frames, weight) + sd['joints_embed.proj.bias']
    return tokens + sd['pos_embed'][0] + sd['temp_embed'][0]


def reference_encoder(
    sd: StateDict,
    x: torch.Tensor,
    num_heads: int = 8,
    temporal_patch: int = 4,
    ids_keep: Optional[torch.Tensor] = None,
) -> torch.Tensor:
    """Official encoder forward (eval mode: no drop path).

    Args:
        x: (B, T, V, C) skeletons.
        ids_keep: optional (B, K) indices of visible tokens in the t-major
            flattened token order; when given only those are encoded.

    Returns:
        (B, TP, V, D) without ``ids_keep``; (B, K, D) with it.
    """
    tokens = reference_embed(sd, x, temporal_patch)
    b, tp, v, d = tokens.shape
    flat = tokens.reshape(b, tp * v, d)
    if ids_keep is not None:
        flat = torch.stack([flat[i, ids_keep[i]] for i in range(b)])
    for i in range(_count_blocks(sd, 'blocks')):
        flat = _block(flat, sd, f'blocks.{i}', num_heads)
    flat = _layer_norm(flat, sd, 'norm')
    return flat if ids_keep is not None else flat.reshape(b, tp, v, d)


# --------------------------------------------------------------------------- pre-training


def reference_patchify(x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """(B, T, V, C) -> (B, TP*V, u*C); inside a token (frame-in-patch, coord)."""
    b, t, v, c = x.shape
    tp = t // temporal_patch
    out = torch.empty(b, tp, v, temporal_patch * c, dtype=x.dtype)
    for ti in range(tp):
        for j in range(v):
            frames = x[:, ti * temporal_patch : (ti + 1) * temporal_patch, j, :]  # (B, u, C)
            out[:, ti, j] = frames.reshape(b, -1)
    return out.reshape(b, tp * v, temporal_patch * c)


def reference_motion_target(x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """Normalised frame-level motion per token, (B, L, u*C)."""
    motion = torch.zeros_like(x)
    for t in range(x.shape[1] - 1):
        motion[:, t] = x[:, t + 1] - x[:, t]
    target = reference_patchify(motion, temporal_patch)
    mean = target.mean(-1, keepdim=True)
    var = target.var(-1, unbiased=True, keepdim=True)
    return (target - mean) / (var + 1e-6) ** 0.5


def reference_token_motion(x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """Mean absolute difference of adjacent temporal patches, (B, L)."""
    patches = reference_patchify(x, temporal_patch)
    b, n, _ = patches.shape
    v = x.shape[2]
    tp = n // v
    grid = patches.reshape(b, tp, v, -1)
    motion = torch.zeros(b, tp, v, dtype=x.dtype)
    for t in range(1, tp):
        motion[:, t] = (grid[:, t] - grid[:, t - 1]).abs().mean(-1)
    motion[:, 0] = motion[:, 1]
    return motion.reshape(b, n)


def reference_mask_probabilities(x: torch.Tensor, tau: float, temporal_patch: int = 4):
    """Softmax over tokens of motion / (max motion * tau + 1e-10), (B, L)."""
    motion = reference_token_motion(x, temporal_patch)
    peak = motion.max(dim=1, keepdim=True).values
    return torch.softmax(motion / (peak * tau + 1e-10), dim=1)


def reference_motion_aware_mask(
    x: torch.Tensor, mask_ratio: float, tau: float, noise: torch.Tensor, temporal_patch: int = 4
) -> torch.Tensor:
    """Official masking from given uniform noise: shuffle by Gumbel-perturbed log-probs,
    keep the first int(L * (1 - mask_ratio)), restore the order. (B, L) float, 1 = masked."""
    b, n = noise.shape
    if tau > 0:
        probs = reference_mask_probabilities(x, tau, temporal_patch)
    else:
        probs = torch.full((b, n), 1.0 / n)
    len_keep = int(n * (1 - mask_ratio))
    ids_shuffle = torch.argsort(probs.log() - torch.log(-torch.log(noise + 1e-10) + 1e-10), dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    mask = torch.ones(b, n)
    mask[:, :len_keep] = 0
    return torch.gather(mask, 1, ids_restore)


def reference_pretrain_loss(
    sd: StateDict,
    x: torch.Tensor,
    mask: torch.Tensor,
    num_heads: int = 8,
    decoder_num_heads: int = 8,
    temporal_patch: int = 4,
) -> torch.Tensor:
    """Official masked-motion loss for given skeletons and mask.

    Args:
        x: (B, T, V, C) skeletons.
        mask: (B, L) with 1 = masked; every row has the same number of zeros.
    """
    b, t, v, _ = x.shape
    tp = t // temporal_patch
    ids_keep = torch.stack([torch.nonzero(row == 0).flatten() for row in mask])
    latent = reference_encoder(sd, x, num_heads, temporal_patch, ids_keep)
    latent = _linear(latent, sd, 'decoder_embed')
    dd = latent.shape[-1]
    full = sd['mask_token'].expand(b, tp * v, dd).clone()
    for i in range(b):
        full[i, ids_keep[i]] = latent[i]
    full = full.reshape(b, tp, v, dd) + sd['decoder_pos_embed'][0] + sd['decoder_temp_embed'][0]
    full = full.reshape(b, tp * v, dd)
    for i in range(_count_blocks(sd, 'decoder_blocks')):
        full = _block(full, sd, f'decoder_blocks.{i}', decoder_num_heads)
    pred = _linear(_layer_norm(full, sd, 'decoder_norm'), sd, 'decoder_pred')
    target = reference_motion_target(x, temporal_patch)
    per_token = ((pred - target) ** 2).mean(-1)
    mask = mask.to(per_token.dtype)
    return (per_token * mask).sum() / mask.sum()


# --------------------------------------------------------------------------- downstream


def _batch_norm(x: torch.Tensor, sd: StateDict, prefix: str, eps: float, affine: bool):
    out = (x - sd[f'{prefix}.running_mean']) / torch.sqrt(sd[f'{prefix}.running_var'] + eps)
    return out * sd[f'{prefix}.weight'] + sd[f'{prefix}.bias'] if affine else out


def _encode_persons(sd: StateDict, x: torch.Tensor, num_heads: int, temporal_patch: int):
    n, m = x.shape[:2]
    feats = reference_encoder(sd, x.flatten(0, 1), num_heads, temporal_patch)
    return feats.reshape(n, m, *feats.shape[1:])  # (N, M, TP, V, D)


def reference_linear_logits(
    sd: StateDict, x: torch.Tensor, num_heads: int = 8, temporal_patch: int = 4
) -> torch.Tensor:
    """Official linear-probe logits (eval mode) for x (N, M, T, V, C) -> (N, K)."""
    feats = _encode_persons(sd, x, num_heads, temporal_patch).mean(dim=(1, 2, 3))
    feats = _batch_norm(feats, sd, 'head.fc.0', eps=1e-6, affine=False)
    return _linear(feats, sd, 'head.fc.1')


def reference_finetune_logits(
    sd: StateDict, x: torch.Tensor, num_heads: int = 8, temporal_patch: int = 4
) -> torch.Tensor:
    """Official fine-tune logits (eval mode) for x (N, M, T, V, C) -> (N, K)."""
    feats = _encode_persons(sd, x, num_heads, temporal_patch)  # (N, M, TP, V, D)
    n, m = feats.shape[:2]
    pooled = feats.mean(dim=2).reshape(n, m, -1).mean(dim=1)  # (N, V*D)
    hidden = _batch_norm(_linear(pooled, sd, 'head.fc1'), sd, 'head.bn', eps=1e-5, affine=True)
    return _linear(torch.relu(hidden), sd, 'head.fc2')
