# Built on mmaction2's own ST-GCN config through OpenMMLab's `mmaction::` inheritance: its
# NTU-60 3-D joint pipeline (PreNormalize3D, GenSkeFeat, UniformSampleFrames(100),
# PoseDecode, FormatGCNInput), 10-clip test, RepeatDataset x5, schedule and evaluation
# are kept as they are; only the backbone is MAMP's encoder (100-frame clips -> 25 time
# tokens; a 120-frame pre-training checkpoint has its temporal embedding resized
# bicubically) under the stock GCNHead, trained with MAMP's fine-tune optimizer (AdamW,
# layer-wise lr decay 0.8). No paper number: a compatibility example.
# This config inherits nothing of this repository's runtime: the one line `runner_type` below
# brings the runtime guarantees (checkpoint safety, resume past damaged files, lock,
# divergence guard, pre-emption, pre-flight data check, one-line errors; docs/runs.md) to
# mmaction2's own config. Its data stay mmaction2's (PoseDataset, DefaultSampler, per-GPU
# batch): safe pickles, per-sample seeds and a fixed global batch need the plugin's
# SafePoseDataset, SeededSampler and GlobalBatchSampler in the dataloaders.
#   python tools/train.py configs/mixing/vit_mamp-ntu60-xsub-pre_stgcn-recipe-8xb16-80e_ntu60-xsub-keypoint-3d.py
# Needs data/skeleton/ntu60_3d.pkl (docs/data_preparation.md) and, by default, the
# NTU-60 pre-training checkpoint; a random encoder: --cfg-options model.backbone.init_cfg=None
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'

custom_imports = dict(imports=['mmaction_mamp'], allow_failed_imports=False)
runner_type = 'MAMPRunner'

model = dict(
    backbone=dict(
        _delete_=True,
        type='MAMPTransformer',
        embed_dims=256,
        depth=8,
        num_heads=8,
        num_frames=100,
        drop_path_rate=0.3,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth',
            prefix='backbone.',
        ),
    ),
    cls_head=dict(in_channels=256),
)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    constructor='LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.8),
)
