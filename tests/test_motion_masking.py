"""Motion-aware masking (spec §3): numpy transform and torch fallback vs reference."""

import numpy as np
import pytest
import torch

from mmaction_mamp.datasets.transforms import MotionAwareMasking
from mmaction_mamp.datasets.transforms import motion_masking as np_masking
from mmaction_mamp.models.utils import masking as torch_masking
from mmaction_mamp.models.utils.skeleton_tokens import token_motion

from reference_mamp import reference_mask_probabilities, reference_token_motion


@pytest.fixture
def skeletons() -> torch.Tensor:
    """(3, 16, 5, 3): random walk, a static sequence and an all-zero person."""
    gen = torch.Generator().manual_seed(0)
    walk = torch.randn(1, 16, 5, 3, generator=gen).cumsum(1)
    static = torch.randn(1, 1, 5, 3, generator=gen).expand(1, 16, 5, 3)
    return torch.cat([walk, static, torch.zeros(1, 16, 5, 3)]).contiguous()


def test_token_motion_matches_reference(skeletons):
    expected = reference_token_motion(skeletons, temporal_patch=4)
    torch.testing.assert_close(token_motion(skeletons, 4, 1), expected)
    np.testing.assert_allclose(
        np_masking.token_motion(skeletons.numpy(), 4, 1), expected.numpy(), rtol=1e-6, atol=1e-7
    )
    # first temporal patch copies the second
    grid = expected.reshape(3, 4, 5)
    torch.testing.assert_close(grid[:, 0], grid[:, 1])


def test_token_motion_hand_computed():
    x = torch.zeros(1, 8, 1, 3)
    x[0, 4:] = torch.tensor([3.0, 0.0, 0.0])  # second patch shifted by 3 along x
    # |patch1 - patch0| = 3 on 4 of 12 values -> 1.0
    torch.testing.assert_close(token_motion(x, 4, 1), torch.tensor([[1.0, 1.0]]))


@pytest.mark.parametrize('tau', [0.8, 0.75, 0.3])
def test_probabilities_match_reference(skeletons, tau):
    expected = reference_mask_probabilities(skeletons, tau, temporal_patch=4)
    motion = token_motion(skeletons, 4, 1)
    torch.testing.assert_close(torch_masking.masking_probabilities(motion, tau), expected)
    np.testing.assert_allclose(
        np_masking.masking_probabilities(motion.numpy(), tau), expected.numpy(), rtol=1e-5
    )
    # the all-zero person gets uniform probabilities
    torch.testing.assert_close(expected[2], torch.full((20,), 1 / 20))


def test_tau_zero_is_uniform(skeletons):
    motion = token_motion(skeletons, 4, 1)
    uniform = torch.full_like(motion, 1 / motion.shape[1])
    torch.testing.assert_close(torch_masking.masking_probabilities(motion, 0.0), uniform)
    np.testing.assert_allclose(np_masking.masking_probabilities(motion.numpy(), -1.0), uniform)


def sequential_sampler_frequencies(probs: np.ndarray, num_masked: int, draws: int, seed: int):
    """Independent sampler: draw ``num_masked`` tokens one after another without
    replacement, each proportional to the remaining probabilities."""
    rng = np.random.default_rng(seed)
    taken = np.zeros((draws, probs.size), dtype=bool)
    for _ in range(num_masked):
        weights = np.where(taken, 0.0, probs)
        cumulative = np.cumsum(weights, axis=1)
        target = rng.random(draws) * cumulative[:, -1]
        pick = (cumulative < target[:, None]).sum(axis=1)
        taken[np.arange(draws), pick] = True
    return taken.mean(axis=0)


def test_gumbel_topk_matches_sampling_without_replacement():
    motion = np.linspace(0.0, 1.0, 12) ** 2
    probs = np_masking.masking_probabilities(motion[None], tau=0.3)[0]
    num_visible, draws = 4, 20000
    expected = sequential_sampler_frequencies(probs, 12 - num_visible, draws, seed=1)

    np.random.seed(2)
    np_freq = np_masking.gumbel_topk_mask(np.tile(probs, (draws, 1)), num_visible).mean(0)
    gen = torch.Generator().manual_seed(3)
    torch_probs = torch.tensor(probs, dtype=torch.float32).repeat(draws, 1)
    torch_freq = torch_masking.gumbel_topk_mask(torch_probs, num_visible, gen).float().mean(0)

    np.testing.assert_allclose(np_freq, expected, atol=0.015)
    np.testing.assert_allclose(torch_freq.numpy(), expected, atol=0.015)
    # high-motion tokens are masked more often than low-motion ones
    assert np_freq[-3:].mean() > np_freq[:3].mean() + 0.2
    assert np.all(np.diff(expected) > -0.02)


def test_masks_hide_fixed_count():
    np.random.seed(0)
    keypoint = np.random.randn(1, 2, 120, 25, 3).astype(np.float32)
    results = MotionAwareMasking(mask_ratio=0.9, tau=0.8)(dict(keypoint=keypoint))
    mask = results['mask']
    assert mask.shape == (1, 2, 750) and mask.dtype == bool
    # official len_keep = int(750 * (1 - 0.9)) = int(74.99999999999999) = 74
    np.testing.assert_array_equal((~mask).sum(-1), [[74, 74]])
    torch_mask = torch_masking.motion_aware_mask(torch.from_numpy(keypoint[0]), 0.9, 0.8, 4, 1)
    assert torch_mask.shape == (2, 750)
    assert (~torch_mask).sum(1).tolist() == [74, 74]


def test_masking_rejects_unpatchable_clip():
    with pytest.raises(ValueError, match='S001C001P001R001A001.*crop/resize'):
        MotionAwareMasking()(
            dict(keypoint=np.zeros((2, 6, 25, 3)), frame_dir='S001C001P001R001A001')
        )


def test_invalid_ratio():
    with pytest.raises(ValueError, match='mask_ratio'):
        MotionAwareMasking(mask_ratio=1.0)
