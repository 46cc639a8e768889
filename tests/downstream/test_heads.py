"""MAMPLinearHead / MAMPFinetuneHead: pooling order, init, loss and predict."""

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

N, M, D, TP, VP, K = 3, 2, 8, 5, 25, 7


def _features(seed: int = 0) -> torch.Tensor:
    return torch.randn(N, M, D, TP, VP, generator=torch.Generator().manual_seed(seed))


def _samples(labels):
    return [ActionDataSample().set_gt_label(label) for label in labels]


def test_linear_head_pools_persons_time_joints_then_bn_and_fc():
    head = MODELS.build(dict(type='MAMPLinearHead', num_classes=K, in_channels=D))
    head.init_weights()
    assert not head.bn.affine and head.bn.eps == 1e-6
    assert torch.all(head.fc.bias == 0)
    x = _features()
    head.eval()
    pooled = x.permute(0, 1, 3, 4, 2).reshape(N, M * TP * VP, D).mean(1)
    expected = head.fc((pooled - head.bn.running_mean) / torch.sqrt(head.bn.running_var + 1e-6))
    torch.testing.assert_close(head(x), expected)


def test_linear_head_weight_is_normal_with_std_0_01():
    """Official init: trunc_normal_(std=0.01) with the default bounds +-2 (absolute), i.e. an
    untruncated N(0, 0.01^2); truncating at +-2 std instead would give std 0.0088."""
    torch.manual_seed(0)
    head = MODELS.build(dict(type='MAMPLinearHead', num_classes=60, in_channels=256))
    head.init_weights()
    weight = head.fc.weight.detach()  # 15360 draws: the std estimate is within +-0.6 %
    assert abs(weight.std().item() - 0.01) < 3e-4
    assert abs(weight.mean().item()) < 3e-4
    assert weight.abs().max().item() > 0.035  # tails beyond 3.5 std exist


def test_finetune_head_matches_official_layout():
    head = MODELS.build(dict(type='MAMPFinetuneHead', num_classes=K, in_channels=D, num_joints=VP))
    head.init_weights()
    assert head.dropout.p == 0.3 and head.fc1.in_features == VP * D
    assert head.fc2.in_features == 2048 and torch.all(head.fc1.bias == 0)
    head.eval()
    x = _features(1)
    # official: features (N, M, TP, VP, D) -> mean over TP -> (N, M, VP*D) -> mean over M
    official = x.permute(0, 1, 3, 4, 2).mean(2).reshape(N, M, VP * D).mean(1)
    expected = head.fc2(torch.relu(head.bn(head.fc1(official))))
    torch.testing.assert_close(head(x), expected)


def test_finetune_head_label_smoothing_loss():
    head = MODELS.build(
        dict(type='MAMPFinetuneHead', num_classes=K, in_channels=D, label_smooth_eps=0.1)
    )
    head.eval()
    x, labels = _features(2), [0, 3, 6]
    losses = head.loss(x, _samples(labels))
    logp = F.log_softmax(head(x), dim=1)
    target = torch.tensor(labels)
    expected = 0.9 * F.nll_loss(logp, target) - 0.1 * logp.mean(1).mean()
    torch.testing.assert_close(losses['loss_cls'], expected)
    assert {'top1_acc', 'top5_acc'} <= set(losses)


@pytest.mark.parametrize('head_type', ['MAMPLinearHead', 'MAMPFinetuneHead'])
def test_heads_reject_wrong_feature_shape(head_type):
    head = MODELS.build(dict(type=head_type, num_classes=K, in_channels=D))
    with pytest.raises(ValueError, match='expects backbone features'):
        head(torch.randn(N, M, TP, VP, D))
