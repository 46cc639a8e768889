"""MAMP self-supervised pre-training model (mmpretrain MAE-style split)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel

from ..utils.masking import motion_aware_mask


@MODELS.register_module()
class MAMP(BaseModel):
    """Masked Motion Predictor: encoder on visible tokens, decoder predicts motion.

    Masks come from each data sample's ``mask`` field (set by the
    ``MotionAwareMasking`` transform through ``PackActionInputs
    (algorithm_keys=('mask',))``); when the pipeline gave none, the model
    samples them itself with ``mask_ratio`` and ``tau``.

    Args:
        backbone: config of the encoder (``MAMPTransformer``).
        head: config of the decoder / loss (``MAMPMotionHead``).
        mask_ratio: fraction of tokens masked when the model samples masks.
        tau: motion-aware temperature when the model samples masks
            (<= 0: uniform random masking).
        data_preprocessor: defaults to mmaction2's ``ActionDataPreprocessor``
            (stacks the batch, casts to float32).
    """

    def __init__(
        self,
        backbone: dict,
        head: dict,
        mask_ratio: float = 0.9,
        tau: float = 0.8,
        data_preprocessor: Optional[dict] = None,
        init_cfg: Optional[dict] = None,
    ) -> None:
        # Built from mmaction2's registry so it also works outside a runner's scope.
        data_preprocessor = MODELS.build(data_preprocessor or dict(type='ActionDataPreprocessor'))
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        self.mask_ratio = mask_ratio
        self.tau = tau

    def masks_for(self, x: torch.Tensor, data_samples: Optional[SampleList]) -> torch.Tensor:
        """Masks of the pipeline, or freshly sampled ones.

        Args:
            x: (B', T, V, C) skeletons, B' = batch * clips * persons.

        Returns:
            (B', L) bool, True = masked.
        """
        given = [s.mask for s in data_samples or [] if 'mask' in s]
        if not given:
            return motion_aware_mask(
                x,
                self.mask_ratio,
                self.tau,
                self.backbone.temporal_patch_size,
                self.backbone.spatial_patch_size,
            )
        if len(given) != len(data_samples):
            raise ValueError('some data samples carry a mask and others do not')
        masks = torch.stack([torch.as_tensor(m) for m in given]).to(x.device, torch.bool)
        masks = masks.reshape(-1, masks.shape[-1])
        if masks.shape[0] != x.shape[0]:
            raise ValueError(
                f'pipeline masks cover {masks.shape[0]} sequences, the batch holds {x.shape[0]}'
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
        mask = self.masks_for(x, data_samples)
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
