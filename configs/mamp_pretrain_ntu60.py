# The paper's main pre-training run: NTU-60 cross-subject (same as
# mamp_pretrain_ntu60_xsub.py, kept under the short name the README uses). It writes where
# that config does, so configs/linear|finetune|semi/*ntu60_xsub* find
# work_dirs/mamp_pretrain_ntu60_xsub/epoch_400.pth without an override.
_base_ = ['./mamp_pretrain_ntu60_xsub.py']

work_dir = './work_dirs/mamp_pretrain_ntu60_xsub'
