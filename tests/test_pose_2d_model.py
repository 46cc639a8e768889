"""Masking, encoder, decoder and loss on 2-D poses: 17 COCO joints x (x, y) or (x, y, score)."""

import numpy as np
import pytest
import torch

from mmaction_mamp.datasets.transforms import MotionAwareMasking
from mmaction_mamp.datasets.transforms.motion_masking import (
    masking_probabilities,
    motion_aware_mask,
    token_motion,
)

from reference_mamp import (
    make_official_state_dict,
    reference_encoder,
    reference_mask_probabilities,
    reference_pretrain_loss,
)
from small_models import small_mamp

FRAMES, JOINTS = 16, 17  # 4 temporal patches x 17 joints = 68 tokens per person


def build_model(in_channels: int) -> torch.nn.Module:
    """Small MAMP on 16 frames x 17 joints."""
    return small_mamp(num_frames=FRAMES, num_joints=JOINTS, in_channels=in_channels)


def official_weights(in_channels: int) -> dict:
    return make_official_state_dict(
        depth=2,
        decoder_depth=1,
        embed_dim=32,
        decoder_dim=32,
        num_frames=FRAMES,
        num_joints=JOINTS,
        in_channels=in_channels,
    )


def model_with_official_weights(in_channels: int) -> tuple:
    """(model, official state dict loaded into it, poses) for ``in_channels`` channels."""
    model, sd = build_model(in_channels), official_weights(in_channels)
    decoder_keys = ('decoder', 'mask_token')
    model.backbone.load_state_dict({k: v for k, v in sd.items() if not k.startswith(decoder_keys)})
    model.head.load_state_dict({k: v for k, v in sd.items() if k.startswith(decoder_keys)})
    return model, sd, poses(in_channels)


def poses(in_channels: int) -> torch.Tensor:
    """(3, 16, 17, C): two moving persons and an absent (all-zero) one; channel 2 is a score."""
    gen = torch.Generator().manual_seed(0)
    xy = (0.02 * torch.randn(2, FRAMES, JOINTS, 2, generator=gen)).cumsum(1)
    if in_channels == 3:
        score = 0.6 + 0.3 * torch.rand(2, FRAMES, JOINTS, 1, generator=gen)
        xy = torch.cat([xy, score], dim=-1)
    return torch.cat([xy, torch.zeros(1, FRAMES, JOINTS, in_channels)])


@pytest.mark.parametrize('in_channels', [2, 3])
def test_encoder_matches_reference_on_coco17(in_channels):
    model, sd, x = model_with_official_weights(in_channels)
    tokens = model.backbone.forward_tokens(x)
    assert tokens.shape == (3, FRAMES // 4, JOINTS, 32)
    expected = reference_encoder(sd, x, num_heads=4)
    torch.testing.assert_close(tokens, expected, rtol=1e-4, atol=1e-5)
    # mmaction2 layout (N, M, T, V, C) -> (N, M, D, TP, VP)
    features = model.backbone(x.reshape(1, 3, FRAMES, JOINTS, in_channels))
    assert features.shape == (1, 3, 32, FRAMES // 4, JOINTS)


@pytest.mark.parametrize('in_channels', [2, 3])
def test_pretrain_loss_matches_reference_on_coco17(in_channels):
    model, sd, x = model_with_official_weights(in_channels)
    noise = torch.rand(3, 68, generator=torch.Generator().manual_seed(0))
    mask = motion_aware_mask(x[..., :2], 0.9, 0.8, 4, 1, noise)
    # 68 tokens, int(68 * (1 - 0.9)) = 6 visible per person
    assert mask.shape == (3, 68)
    assert (~mask).sum(1).tolist() == [6, 6, 6]
    latent, ids_keep = model.backbone.forward_visible(x, mask)
    assert latent.shape == (3, 6, 32)
    prediction = model.head(latent, ids_keep)
    assert prediction.shape == (3, 68, 4 * in_channels)  # u * C motion values per token
    loss = model.head.loss(latent, ids_keep, mask, x)['loss']
    expected = reference_pretrain_loss(sd, x, mask, 4, 4)
    torch.testing.assert_close(loss, expected, rtol=1e-4, atol=1e-6)


def test_masking_probabilities_on_xy_match_reference():
    x = poses(2)
    expected = reference_mask_probabilities(x, 0.8)
    transform = MotionAwareMasking(mask_ratio=0.9, tau=0.8)
    results = transform(dict(keypoint=x.numpy()))
    assert results['mask'].shape == (3, 68)
    assert (~results['mask']).sum(1).tolist() == [6, 6, 6]
    # the absent person is masked uniformly; moving persons follow the reference softmax
    torch.testing.assert_close(expected[2], torch.full((68,), 1 / 68))
    probs = masking_probabilities(token_motion(x, 4, 1), 0.8)
    torch.testing.assert_close(probs, expected)


def test_score_channel_does_not_steer_the_mask():
    with_score = poses(3).numpy()
    xy_only = with_score[..., :2].copy()
    transform = MotionAwareMasking(mask_ratio=0.9, tau=0.8, motion_channels=2)
    np.random.seed(3)
    mask_with_score = transform(dict(keypoint=with_score))['mask']
    np.random.seed(3)
    mask_xy = MotionAwareMasking(mask_ratio=0.9, tau=0.8)(dict(keypoint=xy_only))['mask']
    np.testing.assert_array_equal(mask_with_score, mask_xy)
    # the score channel would change the masks if motion were measured on it
    np.random.seed(3)
    mask_all = MotionAwareMasking(mask_ratio=0.9, tau=0.8)(dict(keypoint=with_score))['mask']
    assert not np.array_equal(mask_all, mask_xy)


def test_motion_channels_beyond_input_are_refused():
    transform = MotionAwareMasking(motion_channels=3)
    with pytest.raises(ValueError, match='sample clip7: motion_channels=3 .* 2 channels'):
        transform(dict(keypoint=poses(2).numpy(), frame_dir='clip7'))
    with pytest.raises(ValueError, match='motion_channels must be >= 1'):
        MotionAwareMasking(motion_channels=0)
