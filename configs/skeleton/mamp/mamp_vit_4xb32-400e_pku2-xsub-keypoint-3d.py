# MAMP pre-training on PKU-MMD phase II cross-subject: the NTU-60 cross-subject recipe (mask ratio
# 0.9, tau 0.80, 400 epochs, global batch 128 and lr 1e-3 on any GPU count) with decoder
# depth 5, on data/skeleton/pku2_3d.pkl (docs/data_preparation.md; same 25-joint layout).
#   bash tools/dist_train.sh configs/skeleton/mamp/mamp_vit_4xb32-400e_pku2-xsub-keypoint-3d.py 8
_base_ = './mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'

model = dict(head=dict(decoder_depth=5))
ann_file = 'data/skeleton/pku2_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
