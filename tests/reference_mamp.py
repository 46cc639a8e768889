"""The official MAMP computations, transcribed: only where the golden files cannot reach.

The official code's own outputs (``../shared/golden``, read by
``tests/test_official_golden.py``) are what the package is tested against: masks, decoder
predictions, loss, downstream logits and layer-decay groups. A transcription can share a
misreading with the package, so this module is kept only for what those recorded outputs
do not hold:

* gradients of the pre-training loss (``tests/test_mamp_model.py``);
* the baseline of ``.dev_scripts/benchmark_pretrain_step.py`` (and
  ``tests/test_benchmark_tool.py``): it must *train* in the official formulation
  (explicit softmax(QK^T)V attention on q, k, v indexed out of the stacked projection,
  Conv2d token embedding, gather / concatenate / gather around the decoder, the official
  AdamW groups) to run at the official code's speed;
* sizes and inputs the golden models do not have: 2-D (x, y[, score]) skeletons of 17
  joints (``tests/test_pose_2d_model.py``), uniform masking (tau <= 0) and the masking's
  intermediate quantities (``tests/test_motion_masking.py``);
* :func:`make_official_state_dict`: random weights in the official layout at any size
  (full-size configs, end-to-end runs, the converter's name checks).

Formulation: ``model_mamp/transformer.py`` of https://github.com/maoyunyao/MAMP, rewritten
as functions of a state dict in the official layout. It shares no code with
``mmaction_mamp`` (only torch's own ops).

Shapes: B sequences (persons folded into the batch), T frames, V joints,
C coordinates, u temporal patch, TP = T // u, L = TP * V tokens, D width.
"""

from typing import Dict, List, Optional

import torch
import torch.nn.functional as F

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
    """Random tensors with the official MAMP checkpoints' names and shapes.

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
    weight = sd[f'{prefix}.weight']
    return F.layer_norm(x, weight.shape, weight, sd[f'{prefix}.bias'], eps)


def _linear(x: torch.Tensor, sd: StateDict, prefix: str) -> torch.Tensor:
    return F.linear(x, sd[f'{prefix}.weight'], sd[f'{prefix}.bias'])


def _attention(x: torch.Tensor, sd: StateDict, prefix: str, num_heads: int) -> torch.Tensor:
    """Explicit attention, (B, N, D) -> (B, N, D)."""
    b, n, d = x.shape
    qkv = _linear(x, sd, f'{prefix}.qkv').reshape(b, n, 3, num_heads, d // num_heads)
    qkv = qkv.permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]  # each (B, H, N, D/H)
    weights = ((q @ k.transpose(-2, -1)) * (d // num_heads) ** -0.5).softmax(dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(b, n, d)
    return _linear(out, sd, f'{prefix}.proj')


def _block(x: torch.Tensor, sd: StateDict, prefix: str, num_heads: int) -> torch.Tensor:
    x = x + _attention(_layer_norm(x, sd, f'{prefix}.norm1'), sd, f'{prefix}.attn', num_heads)
    hidden = F.gelu(_linear(_layer_norm(x, sd, f'{prefix}.norm2'), sd, f'{prefix}.mlp.fc1'))
    return x + _linear(hidden, sd, f'{prefix}.mlp.fc2')


def _count_blocks(sd: StateDict, prefix: str) -> int:
    return len({k.split('.')[1] for k in sd if k.startswith(prefix + '.')})


def _gather_tokens(tokens: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """tokens (B, L, D), ids (B, K) -> (B, K, D)."""
    return torch.gather(tokens, 1, ids.unsqueeze(-1).repeat(1, 1, tokens.shape[-1]))


# --------------------------------------------------------------------------- encoder


def reference_embed(sd: StateDict, x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """Token embedding (Conv2d, kernel = stride = (u, 1)) plus spatial / temporal embeddings.

    Args:
        x: (B, T, V, C) skeletons.

    Returns:
        (B, TP, V, D) embedded tokens.
    """
    weight = sd['joints_embed.proj.weight']  # (D, C, u, 1)
    grid = torch.einsum('ntsc->ncts', x)
    tokens = F.conv2d(grid, weight, sd['joints_embed.proj.bias'], stride=weight.shape[2:])
    return torch.einsum('ncts->ntsc', tokens) + sd['pos_embed'] + sd['temp_embed']


def reference_encoder(
    sd: StateDict,
    x: torch.Tensor,
    num_heads: int = 8,
    temporal_patch: int = 4,
    ids_keep: Optional[torch.Tensor] = None,
) -> torch.Tensor:
    """Official encoder forward (no drop path: pre-training and eval mode).

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
        flat = _gather_tokens(flat, ids_keep)
    for i in range(_count_blocks(sd, 'blocks')):
        flat = _block(flat, sd, f'blocks.{i}', num_heads)
    flat = _layer_norm(flat, sd, 'norm')
    return flat if ids_keep is not None else flat.reshape(b, tp, v, d)


# --------------------------------------------------------------------------- pre-training


def reference_patchify(x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """(B, T, V, C) -> (B, TP*V, u*C); inside a token (frame-in-patch, coord)."""
    b, t, v, c = x.shape
    tp = t // temporal_patch
    patches = torch.einsum('ntuvc->ntvuc', x.reshape(b, tp, temporal_patch, v, c))
    return patches.reshape(b, tp * v, temporal_patch * c)


def reference_motion_target(x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """Normalised frame-level motion per token, (B, L, u*C)."""
    motion = torch.zeros_like(x)
    motion[:, :-1] = x[:, 1:] - x[:, :-1]
    target = reference_patchify(motion, temporal_patch)
    mean = target.mean(dim=-1, keepdim=True)
    var = target.var(dim=-1, keepdim=True)
    return (target - mean) / (var + 1.0e-6) ** 0.5


def reference_token_motion(x: torch.Tensor, temporal_patch: int = 4) -> torch.Tensor:
    """Mean absolute difference of adjacent temporal patches, (B, L)."""
    b, t, v, _ = x.shape
    patches = reference_patchify(x, temporal_patch).reshape(b, t // temporal_patch, v, -1)
    motion = torch.zeros_like(patches)
    motion[:, 1:] = torch.abs(patches[:, 1:] - patches[:, :-1])
    motion[:, 0] = motion[:, 1]
    return motion.mean(dim=3).reshape(b, -1)


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

    The official model draws the mask inside its forward and keeps the visible tokens in
    the order of its noise; here the mask is given and they are kept in token order (the
    encoder has no notion of order besides the embeddings, so the numbers agree to
    rounding).

    Args:
        x: (B, T, V, C) skeletons.
        mask: (B, L), 1 / True = masked; every row has the same number of visible tokens.
    """
    b, t, v, _ = x.shape
    mask = mask.to(x.dtype)
    ids_shuffle = torch.argsort(mask, dim=1, stable=True)  # visible first
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    ids_keep = ids_shuffle[:, : int((mask[0] == 0).sum())]
    latent = reference_encoder(sd, x, num_heads, temporal_patch, ids_keep)
    latent = _linear(latent, sd, 'decoder_embed')
    length = ids_restore.shape[1]
    mask_tokens = sd['mask_token'].repeat(b, length - latent.shape[1], 1)
    tokens = _gather_tokens(torch.cat([latent, mask_tokens], dim=1), ids_restore)
    tokens = tokens.reshape(b, t // temporal_patch, v, -1)
    tokens = tokens + sd['decoder_pos_embed'] + sd['decoder_temp_embed']
    tokens = tokens.reshape(b, length, -1)
    for i in range(_count_blocks(sd, 'decoder_blocks')):
        tokens = _block(tokens, sd, f'decoder_blocks.{i}', decoder_num_heads)
    pred = _linear(_layer_norm(tokens, sd, 'decoder_norm'), sd, 'decoder_pred')
    per_token = ((pred - reference_motion_target(x, temporal_patch)) ** 2).mean(dim=-1)
    return (per_token * mask).sum() / mask.sum()


def official_param_groups(params: Dict[str, torch.Tensor], weight_decay: float) -> List[dict]:
    """AdamW parameter groups of the official ``main_pretrain.py`` (timm's
    ``add_weight_decay``): no weight decay on 1-D tensors and biases."""
    no_decay = [p for name, p in params.items() if p.ndim == 1 or name.endswith('.bias')]
    decay = [p for name, p in params.items() if not (p.ndim == 1 or name.endswith('.bias'))]
    return [dict(params=no_decay, weight_decay=0.0), dict(params=decay, weight_decay=weight_decay)]
