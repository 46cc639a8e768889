# NTU RGB+D 60 cross-view: downstream data (PoseDataset pickle, see docs/data_preparation.md).
_base_ = ['./ntu60_xsub.py']

train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = val_dataloader
