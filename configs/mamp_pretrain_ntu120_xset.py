# MAMP pre-training on NTU-120 cross-setup: decoder depth 5, tau 0.75.
# Effective batch 128 / lr 1e-3 on any GPU count (train_global_batch_size).
_base_ = ['./mamp_pretrain_ntu120_xsub.py']

train_dataloader = dict(dataset=dict(split='xset_train'))
