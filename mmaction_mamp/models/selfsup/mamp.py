"""MAMP self-supervised pre-training model (mmpretrain MAE-style split)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel

#: Token geometry the decoder head takes from the encoder (stated once, on the backbone).
ENCODER_GEOMETRY = (
    'embed_dims',
    'num_frames',
    'num_joints',
    'temporal_patch_size',
    'spatial_patch_size',
    'in_channels',
)


@MODELS.register_module()
class MAMP(BaseModel):
    """Masked Motion Predictor: the ``backbone`` encodes the visible tokens, the ``head``
    predicts their motion (its :data:`ENCODER_GEOMETRY` follows the encoder's), masks come
    from the pipeline (``MotionAwareMasking``). ``skip_absent_persons``: opt-in speed-up,
    all-zero persons (the padded second actor) leave encoder, decoder and loss (not
    faithful: the official loss averages over their masked tokens too)."""

    def __init__(
        self,
        backbone: dict,
        head: dict,
        skip_absent_persons: bool = False,
        data_preprocessor: Optional[dict] = None,
        init_cfg: Optional[dict] = None,
    ) -> None:
        # built from mmaction2's registry so it also works outside a runner's scope
        data_preprocessor = MODELS.build(data_preprocessor or dict(type='ActionDataPreprocessor'))
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        head = dict(head)
        for key in ENCODER_GEOMETRY:
            value = getattr(self.backbone, key)
            if head.setdefault(key, value) != value:
                raise ValueError(
                    f"model.head.{key}={head[key]} differs from the encoder's {value}; "
                    f'leave {key} out of the head config (it follows model.backbone)'
                )
        self.head = MODELS.build(head)
        self.skip_absent_persons = skip_absent_persons

    def masks_of(self, data_samples: Optional[SampleList], num_sequences: int) -> torch.Tensor:
        """The pipeline's (clips, M, L) mask of each sample as (B', L) bool, True = masked;
        ValueError if a sample has none, or they do not cover the B' sequences."""
        masks = [sample.mask for sample in data_samples or [] if 'mask' in sample]
        if not masks or len(masks) != len(data_samples):
            raise ValueError(
                f'{len(masks)} of {len(data_samples or [])} data samples carry a mask; add '
                "MotionAwareMasking and PackActionInputs(algorithm_keys=('mask',)) to the "
                'pre-training pipeline'
            )
        masks = torch.stack([torch.as_tensor(mask) for mask in masks]).to(torch.bool)
        masks = masks.reshape(-1, masks.shape[-1])
        if masks.shape[0] != num_sequences:
            raise ValueError(
                f'pipeline masks cover {masks.shape[0]} sequences, the batch holds {num_sequences}'
            )
        return masks

    def loss(self, inputs: torch.Tensor, data_samples: Optional[SampleList]) -> Dict:
        """``dict(loss=...)`` of (N, num_clips, M, T, V, C) skeletons."""
        x = inputs.reshape(-1, *inputs.shape[-3:])
        mask = self.masks_of(data_samples, x.shape[0]).to(x.device)
        if self.skip_absent_persons:
            present = x.flatten(1).ne(0).any(dim=1)
            if not bool(present.any()):
                raise ValueError(
                    'skip_absent_persons: every person of the batch is all-zero; check the data'
                )
            x, mask = x[present], mask[present]
        return self.head.loss(*self.backbone.forward_visible(x, mask), mask, x)

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """(N, num_clips, M, T, V, C) -> features (N*num_clips, M, D, TP, VP)."""
        return self.backbone(inputs.reshape(-1, *inputs.shape[2:]))

    def forward(
        self,
        inputs: torch.Tensor,
        data_samples: Optional[SampleList] = None,
        mode: str = 'tensor',
    ) -> Union[Dict, torch.Tensor, List]:
        """mmengine entry point; pre-training has no predictions, so ``'predict'`` raises."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise RuntimeError(
            f'MAMP pre-training supports modes "loss" and "tensor", not "{mode}"; evaluate '
            'the encoder with a linear-probe or fine-tune config instead'
        )
