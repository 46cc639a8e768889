# PKU-MMD phase II cross-subject: downstream data (PoseDataset pickle, see docs/data_preparation.md).
_base_ = ['./pku1_xsub.py']

ann_file = 'data/skeleton/pku2_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
