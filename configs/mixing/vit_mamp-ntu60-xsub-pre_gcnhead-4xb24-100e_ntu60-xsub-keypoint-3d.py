# Mixing: the MAMP encoder inside mmaction2's stock RecognizerGCN with the stock GCNHead
# (average pooling over time tokens and joints, mean over persons, dropout, Linear), trained
# with the MAMP fine-tune recipe on NTU RGB+D 60 cross-subject
# (../skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py,
# inherited; only the head differs). The backbone returns
# (N, M, D, TP, VP), the layout GCNHead expects; its pooling equals MAMP's linear-probe
# pooling. No paper number: this is a compatibility example.
# Pre-trained encoder: by default the last checkpoint of
# configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py; any other one with
# --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = '../skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py'

model = dict(
    cls_head=dict(
        _delete_=True,
        type='GCNHead',
        num_classes=60,
        in_channels=256,
        dropout=0.3,
        label_smooth_eps=0.1,
    )
)
