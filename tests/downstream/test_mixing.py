"""The MAMP encoder inside mmaction2's stock RecognizerGCN with its stock GCNHead."""

import torch
from mmaction.models.heads import GCNHead
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from mmaction_mamp.models.heads.mamp_linear_head import MAMPLinearHead

from .helpers import REPO

DIMS = dict(embed_dims=32, depth=1, num_heads=4, num_frames=16)


def test_recognizergcn_with_gcnhead_trains_and_predicts():
    cfg = Config.fromfile(str(REPO / 'configs/mixing/mamp_recognizergcn_gcnhead_ntu60_xsub.py'))
    cfg.model.backbone.update(DIMS, init_cfg=None)
    cfg.model.cls_head.in_channels = DIMS['embed_dims']
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'RecognizerGCN' and type(model.cls_head) is GCNHead

    inputs = torch.randn(3, 1, 2, 16, 25, 3)  # (N, clips, M, T, V, C) as the data pipeline packs
    samples = [ActionDataSample().set_gt_label(label) for label in (0, 5, 59)]
    losses = model(inputs, samples, mode='loss')
    assert losses['loss_cls'].requires_grad and torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    assert model.backbone.blocks[0].attn.qkv.weight.grad is not None

    model.eval()
    with torch.no_grad():
        predictions = model(inputs, samples, mode='predict')
        feats, _ = model.extract_feat(inputs)
    assert feats.shape == (3, 2, 32, 4, 25)
    assert predictions[0].pred_score.shape == (60,)
    # the stock head pools exactly like MAMP's linear probe
    pooled = model.cls_head.pool(feats.flatten(0, 1)).view(3, 2, 32).mean(1)
    linear = MAMPLinearHead(num_classes=60, in_channels=32)
    torch.testing.assert_close(pooled, linear.pool(feats))
