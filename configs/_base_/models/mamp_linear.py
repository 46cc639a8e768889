# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# Linear probe model: frozen MAMP encoder (D=256, 8 blocks, 8 heads, T=120, u=4),
# feature = final-norm output averaged over persons, time tokens and joints, then
# BatchNorm1d(256, affine=False, eps=1e-6) + Linear(256 -> K).
# The encoder weights come from a pre-training checkpoint (this project's, or an official one
# converted with tools/model_converters/mamp2mmaction.py); the dataset configs set a default
# path, override it on the command line:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['./mamp_encoder.py']

model = dict(
    type='RecognizerGCN',
    backbone=dict(
        frozen=True, init_cfg=dict(type='Pretrained', checkpoint=None, prefix='backbone.')
    ),
    cls_head=dict(type='MAMPLinearHead', num_classes=60, in_channels=256),
)
