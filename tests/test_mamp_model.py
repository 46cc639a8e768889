"""Encoder, decoder head and pre-training model: behaviour, and gradients vs the reference.

Outputs (encoder, decoder predictions, loss) are compared with the official code's own
outputs in ``tests/test_official_golden.py``; the golden files hold no gradients, so those
are compared here with ``tests/reference_mamp.py``.
"""

import pytest
import torch
from mmaction.registry import MODELS

from mmaction_mamp.datasets.transforms.motion_masking import motion_aware_mask

from reference_mamp import make_official_state_dict, reference_pretrain_loss
from small_models import small_mamp

SMALL = dict(embed_dims=32, num_heads=4, num_frames=16, num_joints=5)


def build_small_model(depth: int = 2, decoder_depth: int = 2, **options) -> torch.nn.Module:
    """The small MAMP on 5 joints (20 tokens per person)."""
    return small_mamp(decoder_depth, depth=depth, num_joints=5, model_options=options)


def sample_mask(skeletons: torch.Tensor, seed: int) -> torch.Tensor:
    """Motion-aware masks (ratio 0.75, tau 0.8) of (B, 16, 5, 3) skeletons: (B, 20) bool."""
    noise = torch.rand(skeletons.shape[0], 20, generator=torch.Generator().manual_seed(seed))
    return motion_aware_mask(skeletons, 0.75, 0.8, 4, 1, noise)


def load_official(model: torch.nn.Module, sd: dict) -> None:
    encoder = {k: v for k, v in sd.items() if not k.startswith(('decoder', 'mask_token'))}
    decoder = {k: v for k, v in sd.items() if k.startswith(('decoder', 'mask_token'))}
    model.backbone.load_state_dict(encoder)
    model.head.load_state_dict(decoder)


@pytest.fixture
def official_small() -> dict:
    return make_official_state_dict(
        depth=2, decoder_depth=2, embed_dim=32, decoder_dim=32, num_frames=16, num_joints=5
    )


@pytest.fixture
def skeletons() -> torch.Tensor:
    return torch.randn(3, 16, 5, 3, generator=torch.Generator().manual_seed(0)).cumsum(1)


def test_motion_target_is_normalised_per_token(skeletons):
    model = build_small_model()
    target = model.head.motion_target(skeletons)
    # per-token normalisation: zero mean, unbiased std 1
    torch.testing.assert_close(target.mean(-1), torch.zeros(3, 20), atol=1e-5, rtol=0)
    torch.testing.assert_close(target.std(-1), torch.ones(3, 20), atol=1e-3, rtol=0)


def test_motion_target_hand_computed():
    x = torch.arange(8.0).reshape(1, 8, 1, 1).expand(1, 8, 1, 3)  # joint moves +1 per frame
    model = build_small_model()
    model.head.norm_target = False
    target = model.head.motion_target(x)
    # token 0 = frames 0-3 (motion 1); token 1 = frames 4-6 (motion 1) and last frame (0)
    expected = torch.tensor([[[1.0] * 12, [1.0] * 9 + [0.0] * 3]])
    torch.testing.assert_close(target, expected)


def test_pretrain_gradients_match_reference(official_small, skeletons):
    """Same weights + same mask -> same gradient for every parameter."""
    model = build_small_model()
    load_official(model, official_small)
    skeletons = torch.cat([skeletons, torch.zeros(1, 16, 5, 3)])  # with an absent person
    mask = sample_mask(skeletons, seed=2)
    latent, ids_keep = model.backbone.forward_visible(skeletons, mask)
    model.head.loss(latent, ids_keep, mask, skeletons)['loss'].backward()
    params = {k: v.clone().requires_grad_(True) for k, v in official_small.items()}
    reference_pretrain_loss(params, skeletons, mask, 4, 4).backward()
    grads = {name.split('.', 1)[1]: p.grad for name, p in model.named_parameters()}
    assert grads.keys() == params.keys()
    for name, param in params.items():
        assert param.grad.abs().max() > 0, name
        torch.testing.assert_close(grads[name], param.grad, rtol=1e-4, atol=1e-6, msg=name)


def test_loss_only_counts_masked_tokens(official_small, skeletons):
    model = build_small_model()
    load_official(model, official_small)
    mask = sample_mask(skeletons, seed=0)
    latent, ids_keep = model.backbone.forward_visible(skeletons, mask)
    pred = model.head(latent, ids_keep)
    per_token = (pred - model.head.motion_target(skeletons)).pow(2).mean(-1)
    expected = per_token[mask].mean()
    torch.testing.assert_close(model.head.loss(latent, ids_keep, mask, skeletons)['loss'], expected)
    assert not torch.isclose(per_token[~mask].mean(), expected)


def test_visible_encoding_ignores_masked_values(skeletons):
    model = build_small_model()
    mask = sample_mask(skeletons, seed=1)
    corrupted = skeletons.clone()
    batch, token = (
        torch.nonzero(mask.reshape(3, 4, 5), as_tuple=False)[:, 0],
        torch.nonzero(mask.reshape(3, 4, 5))[:, 1:],
    )
    for b, (t, v) in zip(batch.tolist(), token.tolist()):
        corrupted[b, 4 * t : 4 * t + 4, v] = torch.randn(4, 3) * 100
    latent, ids = model.backbone.forward_visible(skeletons, mask)
    latent_c, ids_c = model.backbone.forward_visible(corrupted, mask)
    assert torch.equal(ids, ids_c)
    torch.testing.assert_close(latent, latent_c)
    # ... while corrupting a visible token does change the latent
    b, t, v = 0, *torch.nonzero(~mask[0].reshape(4, 5))[0].tolist()
    corrupted[b, 4 * t : 4 * t + 4, v] += 1.0
    assert not torch.allclose(model.backbone.forward_visible(corrupted, mask)[0], latent)


def test_model_uses_pipeline_masks(skeletons):
    from mmaction.structures import ActionDataSample

    model = build_small_model()
    inputs = skeletons.reshape(3, 1, 1, 16, 5, 3)
    masks = sample_mask(skeletons, seed=2)
    samples = [ActionDataSample() for _ in range(3)]
    for sample, mask in zip(samples, masks.numpy()):
        sample.set_field(mask[None, None], 'mask')
    latent, ids_keep = model.backbone.forward_visible(skeletons, masks)
    expected = model.head.loss(latent, ids_keep, masks, skeletons)['loss']
    torch.testing.assert_close(model(inputs, samples, mode='loss')['loss'], expected)
    assert model(inputs, None, mode='tensor').shape == (3, 1, 32, 4, 5)
    with pytest.raises(RuntimeError, match='linear-probe'):
        model(inputs, samples, mode='predict')


def test_masks_come_from_the_pipeline(skeletons):
    from mmaction.structures import ActionDataSample

    inputs = skeletons.reshape(3, 1, 1, 16, 5, 3)
    with pytest.raises(ValueError, match='0 of 3 data samples carry a mask; add Motion'):
        build_small_model()(inputs, [ActionDataSample() for _ in range(3)], mode='loss')


def test_the_decoder_takes_its_geometry_from_the_encoder():
    head = dict(type='MAMPMotionHead', decoder_embed_dims=8, decoder_depth=1, decoder_num_heads=2)
    backbone = dict(type='MAMPTransformer', depth=1, in_channels=2, **SMALL)
    model = MODELS.build(dict(type='MAMP', backbone=backbone, head=head))
    assert model.head.decoder_temp_embed.shape == (1, 4, 1, 8)  # 16 frames / 4
    assert model.head.decoder_pos_embed.shape == (1, 1, 5, 8)
    assert (
        model.head.decoder_pred.out_features == 4 * 2 and model.head.decoder_embed.in_features == 32
    )
    with pytest.raises(ValueError, match=r'model.head.num_joints=25 differs from the encoder.s 5'):
        MODELS.build(dict(type='MAMP', backbone=backbone, head=dict(head, num_joints=25)))


def test_bad_shapes_are_refused(skeletons):
    model = build_small_model()
    with pytest.raises(ValueError, match='mask of shape'):
        model.backbone.forward_visible(skeletons, torch.zeros(3, 7, dtype=torch.bool))
    with pytest.raises(ValueError, match='token grid'):
        model.backbone.forward_tokens(torch.zeros(1, 20, 5, 3))
    with pytest.raises(ValueError, match='token grid'):
        model.backbone.forward_tokens(torch.zeros(1, 17, 5, 3))
    uneven = torch.zeros(2, 20, dtype=torch.bool)
    uneven[0, :3] = True
    with pytest.raises(ValueError, match='same number of visible'):
        model.backbone.forward_visible(skeletons[:2], uneven)


def test_gcn_layout_output(skeletons):
    model = build_small_model()
    out = model.backbone(skeletons.reshape(3, 1, 16, 5, 3).expand(3, 2, 16, 5, 3))
    assert out.shape == (3, 2, 32, 4, 5)
    torch.testing.assert_close(out[:, 0], out[:, 1])


def test_skip_absent_persons_drops_all_zero_persons_only(skeletons):
    from mmaction.structures import ActionDataSample

    x = skeletons.clone()
    x[1] = 0.0  # an absent (padded) person
    masks = sample_mask(x, seed=3)
    samples = [ActionDataSample() for _ in range(3)]
    for sample, mask in zip(samples, masks.numpy()):
        sample.set_field(mask[None, None], 'mask')
    inputs = x.reshape(3, 1, 1, 16, 5, 3)
    model = build_small_model(skip_absent_persons=True)
    present = torch.tensor([0, 2])
    latent, ids_keep = model.backbone.forward_visible(x[present], masks[present])
    expected = model.head.loss(latent, ids_keep, masks[present], x[present])['loss']
    torch.testing.assert_close(model(inputs, samples, mode='loss')['loss'], expected)
    faithful = build_small_model()
    faithful.load_state_dict(model.state_dict())
    assert not torch.isclose(faithful(inputs, samples, mode='loss')['loss'], expected)
    with pytest.raises(ValueError, match='every person of the batch is all-zero'):
        model(torch.zeros_like(inputs), samples, mode='loss')
