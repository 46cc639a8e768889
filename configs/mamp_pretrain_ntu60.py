# The paper's main pre-training run: NTU-60 cross-subject (same as
# mamp_pretrain_ntu60_xsub.py, kept under the short name the README uses).
_base_ = ['./mamp_pretrain_ntu60_xsub.py']
