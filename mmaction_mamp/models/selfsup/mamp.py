"""MAMP self-supervised pre-training model (mmpretrain MAE-style split)."""

from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel

from ...datasets.seeded_samples import batch_generator
from ..utils.masking import motion_aware_mask


@MODELS.register_module()
class MAMP(BaseModel):
    """Masked Motion Predictor: encoder on visible tokens, decoder predicts motion.

    Masks come from exactly one place: either each data sample's ``mask``
    field (set by the ``MotionAwareMasking`` transform through
    ``PackActionInputs(algorithm_keys=('mask',))``, the configs' choice), or
    the model samples them itself when it is given ``mask_ratio`` and ``tau``.
    Both samplers call the same ``motion_aware_mask``; configuring both (or
    neither) is an error, so the two can never silently disagree. The model's
    own sampler draws from a generator seeded by the samples' ``sample_seed``
    metainfo when they carry one (``SeededSampler``), so its masks too depend
    only on (seed, epoch, sample index).

    Args:
        backbone: config of the encoder (``MAMPTransformer``).
        head: config of the decoder / loss (``MAMPMotionHead``).
        mask_ratio: fraction of tokens masked when the model samples masks;
            None (default) when the pipeline provides them.
        tau: motion-aware temperature when the model samples masks
            (<= 0: uniform random masking); None with ``mask_ratio``.
        motion_channels: leading input channels the model's masks measure motion on
            (2 for (x, y, score) input); None: all.
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
        mask_ratio: Optional[float] = None,
        tau: Optional[float] = None,
        motion_channels: Optional[int] = None,
        skip_absent_persons: bool = False,
        data_preprocessor: Optional[dict] = None,
        init_cfg: Optional[dict] = None,
    ) -> None:
        # Built from mmaction2's registry so it also works outside a runner's scope.
        data_preprocessor = MODELS.build(data_preprocessor or dict(type='ActionDataPreprocessor'))
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        if (mask_ratio is None) != (tau is None):
            raise ValueError('give the model both mask_ratio and tau, or neither')
        self.mask_ratio = mask_ratio
        self.tau = tau
        self.motion_channels = motion_channels
        self.skip_absent_persons = skip_absent_persons

    @property
    def samples_masks(self) -> bool:
        """Whether the model samples masks itself (``mask_ratio`` and ``tau`` given)."""
        return self.mask_ratio is not None

    @staticmethod
    def mask_generator(
        data_samples: Optional[SampleList], device: torch.device
    ) -> Optional[torch.Generator]:
        """Generator seeded by the batch's ``sample_seed`` values, or None (global state).

        ``SeededSampler`` datasets put a ``sample_seed`` derived from (seed, epoch,
        index) into every data sample, so the model's masks are reproducible too.
        """
        seeds = [s.metainfo.get('sample_seed') for s in data_samples or []]
        if not seeds or None in seeds:
            return None
        return batch_generator(seeds, device)

    def sample_masks(
        self, x: torch.Tensor, data_samples: Optional[SampleList] = None
    ) -> torch.Tensor:
        """Model-side motion-aware masks, (B', T, V, C) -> (B', L) bool."""
        num_tokens = self.backbone.num_tokens
        generator = self.mask_generator(data_samples, x.device)
        noise = torch.rand(x.shape[0], num_tokens, device=x.device, generator=generator)
        return motion_aware_mask(
            x[..., : self.motion_channels],
            self.mask_ratio,
            self.tau,
            self.backbone.temporal_patch_size,
            self.backbone.spatial_patch_size,
            noise,
        )

    def masks_for(self, x: torch.Tensor, data_samples: Optional[SampleList]) -> torch.Tensor:
        """The pipeline's masks, or the model's own when it samples them.

        Args:
            x: (B', T, V, C) skeletons, B' = batch * clips * persons.

        Returns:
            (B', L) bool, True = masked.

        Raises:
            ValueError: masks from both or neither source, or masks that do
                not cover the batch.
        """
        given = [s.mask for s in data_samples or [] if 'mask' in s]
        if self.samples_masks:
            if given:
                raise ValueError(
                    'the data samples carry masks and the model samples its own '
                    f'(mask_ratio={self.mask_ratio}, tau={self.tau}); mask in one place: '
                    'drop MotionAwareMasking from the pipeline or mask_ratio/tau from the model'
                )
            return self.sample_masks(x, data_samples)
        if not given or len(given) != len(data_samples):
            raise ValueError(
                f'{len(given)} of {len(data_samples or [])} data samples carry a mask; add '
                "MotionAwareMasking and PackActionInputs(algorithm_keys=('mask',)) to the "
                'pipeline, or give the model mask_ratio and tau to sample masks itself'
            )
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
