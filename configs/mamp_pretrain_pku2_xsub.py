# MAMP pre-training on PKU-MMD phase II cross-subject: decoder depth 5, tau 0.80.
# Effective batch 128 / lr 1e-3 on any GPU count (train_global_batch_size).
_base_ = ['./mamp_pretrain_pku1_xsub.py']

train_dataloader = dict(dataset=dict(ann_file='data/skeleton/pku2_3d.pkl'))
