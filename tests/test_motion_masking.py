"""Motion-aware masking: the one implementation, its pipeline transform
and the model-side sampler, against the independent reference."""

import numpy as np
import pytest
import torch

from mmaction_mamp.datasets.transforms import MotionAwareMasking
from mmaction_mamp.datasets.transforms.motion_masking import (
    gumbel_topk_mask,
    masking_probabilities,
    motion_aware_mask,
    token_motion,
)
from mmaction_mamp.utils.errors import RunConfigError

from launch import TINY, run, train_command
from reference_mamp import (
    reference_mask_probabilities,
    reference_motion_aware_mask,
    reference_token_motion,
)


@pytest.fixture
def skeletons() -> torch.Tensor:
    """(3, 16, 5, 3): random walk, a static sequence and an all-zero person."""
    gen = torch.Generator().manual_seed(0)
    walk = torch.randn(1, 16, 5, 3, generator=gen).cumsum(1)
    static = torch.randn(1, 1, 5, 3, generator=gen).expand(1, 16, 5, 3)
    return torch.cat([walk, static, torch.zeros(1, 16, 5, 3)]).contiguous()


def test_token_motion_matches_reference(skeletons):
    expected = reference_token_motion(skeletons, temporal_patch=4)
    motion = token_motion(skeletons, 4, 1)
    torch.testing.assert_close(motion, expected)
    # first temporal patch copies the second; the static and the absent person do not move
    grid = motion.reshape(3, 4, 5)
    torch.testing.assert_close(grid[:, 0], grid[:, 1])
    assert grid[0].min() > 0 and torch.all(grid[1:] == 0)


def test_token_motion_hand_computed():
    x = torch.zeros(1, 8, 1, 3)
    x[0, 4:] = torch.tensor([3.0, 0.0, 0.0])  # second patch shifted by 3 along x
    # |patch1 - patch0| = 3 on 4 of 12 values -> 1.0
    torch.testing.assert_close(token_motion(x, 4, 1), torch.tensor([[1.0, 1.0]]))


@pytest.mark.parametrize('tau', [0.8, 0.75, 0.3])
def test_probabilities_match_reference(skeletons, tau):
    expected = reference_mask_probabilities(skeletons, tau, temporal_patch=4)
    probs = masking_probabilities(token_motion(skeletons, 4, 1), tau)
    torch.testing.assert_close(probs, expected)
    # the all-zero person gets uniform probabilities
    torch.testing.assert_close(probs[2], torch.full((20,), 1 / 20))


def test_tau_zero_or_below_is_uniform(skeletons):
    motion = token_motion(skeletons, 4, 1)
    uniform = torch.full_like(motion, 1 / motion.shape[1])
    torch.testing.assert_close(masking_probabilities(motion, 0.0), uniform)
    torch.testing.assert_close(masking_probabilities(motion, -1.0), uniform)


@pytest.mark.parametrize('tau', [0.8, 0.0])
def test_masks_equal_reference_for_the_same_noise(skeletons, tau):
    noise = torch.rand(3, 20, generator=torch.Generator().manual_seed(4))
    mask = motion_aware_mask(skeletons, 0.75, tau, 4, 1, noise)
    expected = reference_motion_aware_mask(skeletons, 0.75, tau, noise)
    torch.testing.assert_close(mask.float(), expected)


def test_pipeline_transform_masks_with_numpy_noise():
    """The transform is the shared function fed with numpy's global draws (float64)."""
    keypoint = np.random.default_rng(1).standard_normal((1, 2, 16, 5, 3)).cumsum(2)
    np.random.seed(7)
    mask = MotionAwareMasking(mask_ratio=0.75, tau=0.8)(dict(keypoint=keypoint))['mask']
    np.random.seed(7)
    noise = torch.from_numpy(np.random.random_sample((2, 20)))
    skeletons = torch.from_numpy(keypoint[0].astype(np.float32))
    expected = reference_motion_aware_mask(skeletons, 0.75, 0.8, noise)
    assert mask.shape == (1, 2, 20) and mask.dtype == bool
    np.testing.assert_array_equal(mask[0], expected.numpy().astype(bool))


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
    motion = torch.linspace(0.0, 1.0, 12, dtype=torch.float64) ** 2
    probs = masking_probabilities(motion[None], tau=0.3)[0]
    num_visible, draws = 4, 20000
    expected = sequential_sampler_frequencies(probs.numpy(), 12 - num_visible, draws, seed=1)

    noise = torch.rand(draws, 12, generator=torch.Generator().manual_seed(3))
    freq = gumbel_topk_mask(probs.float().repeat(draws, 1), num_visible, noise).float().mean(0)

    np.testing.assert_allclose(freq.numpy(), expected, atol=0.015)
    # high-motion tokens are masked more often than low-motion ones
    assert freq[-3:].mean() > freq[:3].mean() + 0.2


def test_masks_hide_fixed_count():
    np.random.seed(0)
    keypoint = np.random.randn(1, 2, 120, 25, 3).astype(np.float32)
    mask = MotionAwareMasking(mask_ratio=0.9, tau=0.8)(dict(keypoint=keypoint))['mask']
    assert mask.shape == (1, 2, 750) and mask.dtype == bool
    # official len_keep = int(750 * (1 - 0.9)) = int(74.99999999999999) = 74
    np.testing.assert_array_equal((~mask).sum(-1), [[74, 74]])


def test_noise_must_cover_the_tokens(skeletons):
    with pytest.raises(ValueError, match='noise of shape'):
        motion_aware_mask(skeletons, 0.75, 0.8, 4, 1, torch.rand(3, 19))


def test_masking_rejects_unpatchable_clip():
    with pytest.raises(ValueError, match='S001C001P001R001A001.*crop/resize'):
        MotionAwareMasking()(
            dict(keypoint=np.zeros((2, 6, 25, 3)), frame_dir='S001C001P001R001A001')
        )


@pytest.mark.parametrize('ratio', [0.0, 1.0, -0.1])
def test_a_ratio_that_can_only_give_nan_is_refused_up_front(ratio):
    """Ratio 0 masks nothing: the loss would average over no token (0 / 0 = NaN)."""
    with pytest.raises(RunConfigError, match=r'mask_ratio must be in \(0, 1\)'):
        MotionAwareMasking(mask_ratio=ratio)


def test_a_bad_ratio_stops_a_run_with_one_line(tmp_path):
    """mmaction2's packaged train.py: one ``error:`` line and exit 2, no traceback."""
    option = 'train_dataloader.dataset.pipeline.3.mask_ratio=1.5'  # 0 and 1: the test above
    proc = run(train_command('mmaction2', TINY, tmp_path, option), expect_rc=2)
    assert 'Traceback' not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if line.startswith('error:')] == [
        'error: MotionAwareMasking: mask_ratio must be in (0, 1), got 1.5: with no masked token '
        'the loss averages over nothing (NaN), with no visible token the encoder sees nothing '
        '(the paper uses 0.9)'
    ]


def test_a_ratio_that_leaves_no_visible_token_of_the_clip_is_refused():
    keypoint = np.random.default_rng(0).normal(size=(1, 1, 16, 5, 3)).astype(np.float32)
    with pytest.raises(RunConfigError, match='leaves 0 of 20 tokens visible'):
        MotionAwareMasking(mask_ratio=0.99)(dict(keypoint=keypoint))
