"""MAMP self-supervised pre-training model (mmpretrain MAE-style split)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel


@MODELS.register_module()
class MAMP(BaseModel):
    """Masked Motion Predictor: encoder on visible tokens, decoder predicts motion.

    The masks come from the data pipeline: the ``MotionAwareMasking`` transform puts a
    ``mask`` into every sample and ``PackActionInputs(algorithm_keys=('mask',))`` makes it
    a field of each data sample. The decoder head gets the token geometry (width, clip
    length, joints, patch sizes, coordinates) from the encoder, so it is stated once, on
    the backbone.

    Args:
        backbone: config of the encoder (``MAMPTransformer``).
        head: config of the decoder / loss (``MAMPMotionHead``); the geometry keys may be
            left out (a value that differs from the encoder's is an error).
        skip_absent_persons: opt-in speed-up: leave all-zero persons (the
            padded second actor of one-person clips) out of encoder, decoder
            and loss. Not faithful: the official loss averages over their
            masked tokens too, so the loss value changes.
        data_preprocessor: defaults to mmaction2's ``ActionDataPreprocessor``
            (stacks the batch, casts to float32).
    """

    def __init__(
        self,
        backbone: dict,
        head: dict,
        skip_absent_persons: bool = False,
        data_preprocessor: Optional[dict] = None,
        init_cfg: Optional[dict] = None,
    ) -> None:
        # Built from mmaction2's registry so it also works outside a runner's scope.
        data_preprocessor = MODELS.build(data_preprocessor or dict(type='ActionDataPreprocessor'))
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(self._head_with_encoder_geometry(head))
        self.skip_absent_persons = skip_absent_persons

    def _head_with_encoder_geometry(self, head: dict) -> dict:
        """``head`` with the encoder's token geometry filled in (or checked where given)."""
        encoder = self.backbone
        geometry = dict(
            embed_dims=encoder.embed_dims,
            num_frames=encoder.num_frames,
            num_joints=encoder.num_joints,
            temporal_patch_size=encoder.temporal_patch_size,
            spatial_patch_size=encoder.spatial_patch_size,
            in_channels=encoder.in_channels,
        )
        head = dict(head)
        for key, value in geometry.items():
            if head.setdefault(key, value) != value:
                raise ValueError(
                    f"model.head.{key}={head[key]} differs from the encoder's {value}; "
                    f'leave {key} out of the head config (it follows model.backbone)'
                )
        return head

    def masks_of(self, data_samples: Optional[SampleList], num_sequences: int) -> torch.Tensor:
        """The pipeline's masks of a batch, one row per sequence.

        Args:
            data_samples: the batch's data samples, each with a ``mask`` (clips, M, L).
            num_sequences: B' = batch * clips * persons.

        Returns:
            (B', L) bool, True = masked.

        Raises:
            ValueError: a sample has no mask, or the masks do not cover the batch.
        """
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
        """Masked-motion loss of a batch.

        Args:
            inputs: (N, num_clips, M, T, V, C) skeletons.

        Returns:
            ``dict(loss=...)``.
        """
        x = inputs.reshape(-1, *inputs.shape[-3:])
        mask = self.masks_of(data_samples, x.shape[0]).to(x.device)
        if self.skip_absent_persons:
            present = x.flatten(1).ne(0).any(dim=1)
            if not bool(present.any()):
                raise ValueError(
                    'skip_absent_persons: every person of the batch is all-zero; check the data'
                )
            x, mask = x[present], mask[present]
        latent, ids_keep = self.backbone.forward_visible(x, mask)
        return self.head.loss(latent, ids_keep, mask, x)

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """Features of every token: (N, num_clips, M, T, V, C) -> (N*num_clips, M, D, TP, VP)."""
        return self.backbone(inputs.reshape(-1, *inputs.shape[2:]))

    def forward(
        self,
        inputs: torch.Tensor,
        data_samples: Optional[SampleList] = None,
        mode: str = 'tensor',
    ) -> Union[Dict, torch.Tensor, List]:
        """mmengine entry point: ``mode`` is 'loss' or 'tensor'.

        Pre-training has no predictions to evaluate, so 'predict' raises.
        """
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise RuntimeError(
            f'MAMP pre-training supports modes "loss" and "tensor", not "{mode}"; evaluate '
            'the encoder with a linear-probe or fine-tune config instead'
        )
