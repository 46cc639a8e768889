# MAMP pre-training on NTU-60 cross-view, decoder depth 3, tau 0.80.
# Effective batch 128 / lr 1e-3 on any GPU count (train_global_batch_size).
_base_ = ['./mamp_pretrain_ntu60_xsub.py']

train_dataloader = dict(dataset=dict(split='xview_train'))
