"""Small MAMP models for tests, built through the registry as configs build them."""

from typing import Optional

from mmaction.registry import MODELS
from mmengine.registry import DefaultScope
from torch import nn

#: A 32-wide, 2-block encoder on 16-frame clips of 25 joints (4 x 25 = 100 tokens).
SMALL_ENCODER = dict(type='MAMPTransformer', embed_dims=32, depth=2, num_heads=4, num_frames=16)


def small_encoder(**overrides) -> dict:
    """The config of :data:`SMALL_ENCODER` with ``overrides``."""
    return dict(SMALL_ENCODER, **overrides)


def small_mamp(
    decoder_depth: int = 1,
    decoder_dims: int = 32,
    model_options: Optional[dict] = None,
    **encoder,
) -> nn.Module:
    """A pre-training model (encoder + decoder taking the encoder's geometry), eval mode."""
    head = dict(
        type='MAMPMotionHead',
        decoder_embed_dims=decoder_dims,
        decoder_depth=decoder_depth,
        decoder_num_heads=4,
    )
    model = dict(type='MAMP', backbone=small_encoder(**encoder), head=head, **(model_options or {}))
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(model).eval()


def small_recognizer(
    head: str = 'MAMPLinearHead', num_classes: int = 3, head_cfg: Optional[dict] = None, **encoder
) -> nn.Module:
    """A ``RecognizerGCN`` with the small encoder and a MAMP head, eval mode."""
    backbone = small_encoder(**encoder)
    cls_head = dict(type=head, num_classes=num_classes, in_channels=backbone['embed_dims'])
    if head == 'MAMPFinetuneHead':
        cls_head['num_joints'] = backbone.get('num_joints', 25)
    cls_head.update(head_cfg or {})
    model = dict(type='RecognizerGCN', backbone=backbone, cls_head=cls_head)
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(model).eval()
