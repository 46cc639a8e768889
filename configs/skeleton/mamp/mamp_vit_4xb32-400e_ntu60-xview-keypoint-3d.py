# MAMP pre-training on NTU RGB+D 60 cross-view: the NTU-60 cross-subject recipe
# (decoder depth 3, mask ratio 0.9, tau 0.80, 400 epochs, global batch 128 and lr 1e-3 on any
# GPU count) on the cross-view training split.
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xview-keypoint-3d.py 8
_base_ = './mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(dataset=dict(split='xview_train'))
