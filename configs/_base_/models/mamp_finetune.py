# Kept for configs/demo/ (and tests/configs/): the zoo recipes in configs/skeleton/mamp/
# state their model, data and schedule in their own file.
# Fine-tune model: MAMP encoder with drop path 0.3, official head
# Dropout(0.3) -> mean over time -> flatten joints x channels -> mean over persons
# -> Linear(25*256 -> 2048) -> BatchNorm1d -> ReLU -> Linear(2048 -> K); label smoothing 0.1.
# The encoder starts from a pre-training checkpoint; the dataset configs set a default
# path, override it on the command line:
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
# A checkpoint of another clip length has its temporal embedding resized bicubically.
_base_ = ['./mamp_encoder.py']

model = dict(
    type='RecognizerGCN',
    backbone=dict(
        drop_path_rate=0.3,
        init_cfg=dict(type='Pretrained', checkpoint=None, prefix='backbone.'),
    ),
    cls_head=dict(
        type='MAMPFinetuneHead',
        num_classes=60,
        in_channels=256,
        num_joints=25,
        hidden_dims=2048,
        dropout=0.3,
        label_smooth_eps=0.1,
    ),
)
