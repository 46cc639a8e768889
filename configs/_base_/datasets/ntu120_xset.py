# NTU RGB+D 120 cross-setup: downstream data (PoseDataset pickle, see docs/data_preparation.md).
_base_ = ['./ntu120_xsub.py']

train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = val_dataloader
