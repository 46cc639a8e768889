"""MAMPQueryHead: query decoder over visible tokens, MAMP's motion target and masked loss."""

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets.transforms.motion_masking import motion_aware_mask
from mmaction_mamp.utils.skeleton_tokens import token_motion

from small_models import small_encoder

# 16 frames x 5 joints, 4-frame tokens: a 4 x 5 grid of L = 20 tokens of P = 12 values
GEOMETRY = dict(embed_dims=32, num_frames=16, num_joints=5)
QUERY_HEAD = dict(
    type='MAMPQueryHead', decoder_embed_dims=16, decoder_num_heads=2, query_patch_size=(2, 1)
)


def build(cfg: dict) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(cfg)


def small_model(**head) -> torch.nn.Module:
    """MAMP with the small encoder (2 blocks, 32 wide) and a query head on its 4 x 5 grid."""
    backbone = small_encoder(num_joints=5)
    return build(dict(type='MAMP', backbone=backbone, head=dict(QUERY_HEAD, **head)))


@pytest.fixture
def skeletons() -> torch.Tensor:
    x = torch.randn(3, 16, 5, 3, generator=torch.Generator().manual_seed(0)).cumsum(1)
    x[2] = 0.0  # an absent person
    return x


@pytest.fixture
def mask(skeletons) -> torch.Tensor:
    noise = torch.rand(3, 20, generator=torch.Generator().manual_seed(1))
    return motion_aware_mask(skeletons, 0.75, 0.8, 4, 1, noise)  # 5 visible, 15 masked


def independent_motion_target(x: torch.Tensor, u: int = 4) -> np.ndarray:
    """MAMP's target written out: token (t, v) holds, for frames f = u*t .. u*t+u-1 in
    order, the xyz of x[f+1, v] - x[f, v] (zero for the last frame); then each token's
    values are standardised with the unbiased standard deviation (eps 1e-6)."""
    x = x.double().numpy()
    b, frames, joints, coords = x.shape
    out = np.zeros((b, frames // u * joints, u * coords))
    for n in range(b):
        for t in range(frames // u):
            for v in range(joints):
                values = []
                for f in range(u * t, u * t + u):
                    for c in range(coords):
                        nxt = x[n, f + 1, v, c] if f + 1 < frames else x[n, f, v, c]
                        values.append(nxt - x[n, f, v, c])
                values = np.array(values)
                out[n, t * joints + v] = (values - values.mean()) / np.sqrt(
                    values.var(ddof=1) + 1e-6
                )
    return out


def test_motion_target_is_mamps_frame_motion(skeletons):
    head = small_model().head
    expected = independent_motion_target(skeletons)
    torch.testing.assert_close(head.motion_target(skeletons).double(), torch.from_numpy(expected))
    assert head.motion_target(skeletons)[2].abs().max() == 0  # a still person: zero target


def test_shapes_and_query_count(skeletons, mask):
    model = small_model()
    latent, ids_keep = model.backbone.forward_visible(skeletons, mask)
    assert latent.shape == (3, 5, 32)
    assert model.head.num_queries == 10  # (4 / 2) x (5 / 1)
    assert model.head(latent, ids_keep).shape == (3, 20, 12)
    ntu = build(dict(QUERY_HEAD, query_patch_size=(6, 1)))  # NTU-60 geometry by default
    assert ntu.num_queries == 125
    latent = torch.randn(2, 75, 256)
    ids_keep = torch.stack([torch.randperm(750)[:75] for _ in range(2)])
    assert ntu(latent, ids_keep).shape == (2, 750, 12)


def test_each_query_predicts_its_own_patch():
    for patch in ((2, 1), (1, 5), (4, 5)):
        head = build(dict(QUERY_HEAD, query_patch_size=patch, **GEOMETRY))
        (qt, qv), per_query = patch, patch[0] * patch[1] * 12
        patches = torch.arange(20 * 12.0).reshape(1, 20 // (qt * qv), per_query)
        tokens = head.patches_to_tokens(patches)[0]
        for t in range(4):
            for v in range(5):
                query = (t // qt) * (5 // qv) + v // qv  # queries are time-major too
                slot = (t % qt) * qv + v % qv
                expected = patches[0, query, slot * 12 : (slot + 1) * 12]
                torch.testing.assert_close(tokens[t * 5 + v], expected)


def test_query_grid_must_tile_the_tokens():
    with pytest.raises(ValueError, match='does not tile'):
        build(dict(QUERY_HEAD, query_patch_size=(3, 1), **GEOMETRY))
    with pytest.raises(ValueError, match='motion_weight'):
        build(dict(QUERY_HEAD, motion_weight=1.5, **GEOMETRY))


@pytest.mark.parametrize('beta', [0.0, 0.5])
def test_loss_counts_masked_tokens_only(skeletons, mask, beta, monkeypatch):
    head = small_model(motion_weight=beta).head
    pred = torch.randn(3, 20, 12, requires_grad=True)
    monkeypatch.setattr(head, 'forward', lambda latent, ids_keep: pred)
    loss = head.loss(None, None, mask, skeletons)['loss']
    loss.backward()
    assert pred.grad[~mask].abs().max() == 0
    moving = mask.clone()
    moving[2] = False  # the absent person's tokens weigh 1 - beta, others more or less
    assert (pred.grad[moving].abs().sum(-1) > 0).all()

    # the same value written out: MSE per token, motion-energy weights, / masked count
    target = torch.from_numpy(independent_motion_target(skeletons)).float()
    per_token = (pred.detach() - target).pow(2).mean(-1)
    raw = torch.zeros_like(skeletons)
    raw[:, :-1] = skeletons[:, 1:] - skeletons[:, :-1]
    energy = raw.reshape(3, 4, 4, 5, 3).permute(0, 1, 3, 2, 4).reshape(3, 20, 12).pow(2).mean(-1)
    expected = 0.0
    for n in range(3):
        masked = mask[n]
        mean_energy = energy[n][masked].mean()
        for i in torch.nonzero(masked).flatten():
            relative = energy[n, i] / mean_energy if mean_energy > 0 else 0.0
            expected += per_token[n, i] * ((1 - beta) + beta * relative)
    assert loss.item() == pytest.approx(float(expected) / int(mask.sum()), rel=1e-5)


def test_motion_weights_average_one_per_moving_person(skeletons, mask):
    head = small_model(motion_weight=0.5).head
    weights = head.token_weights(
        token_motion(skeletons, head.temporal_patch_size, head.spatial_patch_size), mask
    )
    assert (weights[~mask] == 0).all()
    for n in (0, 1):
        assert weights[n][mask[n]].mean().item() == pytest.approx(1.0, rel=1e-5)
        assert weights[n][mask[n]].std() > 0  # moving tokens weigh more than still ones
    torch.testing.assert_close(weights[2][mask[2]], torch.full((15,), 0.5))


def test_gradients_reach_the_encoder_through_the_mamp_model(skeletons, mask):
    model = small_model().train()
    samples = []
    for person_mask in mask:
        sample = ActionDataSample()
        sample.set_field(person_mask.reshape(1, 1, 20), 'mask')
        samples.append(sample)
    loss = model(skeletons.reshape(3, 1, 1, 16, 5, 3), samples, mode='loss')['loss']
    loss.backward()
    for name, param in model.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name


def test_configs_change_only_the_head(repo_root):
    pairs = [
        (
            'configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py',
            'configs/skeleton/mamp/mamp-query_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py',
        ),
        ('configs/demo/mamp_pretrain_demo.py', 'configs/demo/mamp_query_pretrain_demo.py'),
    ]
    for mamp_path, query_path in pairs:
        mamp, query = (Config.fromfile(repo_root / path) for path in (mamp_path, query_path))
        assert query.model.head.type == 'MAMPQueryHead'
        assert mamp.model.head.type == 'MAMPMotionHead'
        mamp_dict, query_dict = mamp.to_dict(), query.to_dict()
        for cfg in (mamp_dict, query_dict):
            cfg['model'].pop('head')
        assert mamp_dict == query_dict, query_path
    model = build(Config.fromfile(repo_root / pairs[0][1]).model)
    assert model.head.num_queries == 125
    mamp_encoder = build(Config.fromfile(repo_root / pairs[0][0]).model.backbone)
    assert {k: v.shape for k, v in model.backbone.state_dict().items()} == {
        k: v.shape for k, v in mamp_encoder.state_dict().items()
    }
