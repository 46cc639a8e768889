# MAMP pre-training on PKU-MMD phase I cross-subject: decoder depth 5, tau 0.80.
# Effective batch 128 / lr 1e-3 on any GPU count (train_global_batch_size).
_base_ = ['./mamp_pretrain_ntu60_xsub.py']

model = dict(head=dict(decoder_depth=5))
train_dataloader = dict(dataset=dict(ann_file='data/skeleton/pku1_3d.pkl', split='xsub_train'))
