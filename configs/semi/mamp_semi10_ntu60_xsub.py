# Semi-supervised MAMP on NTU RGB+D 60 cross-subject: fine-tune (same recipe) on 10% of the
# labelled training split. Expected top-1: see the paper
# (docs/model_zoo.md).
# The subset is a plain random 0.1 fraction (int(N * 0.1) samples, not stratified by
# class, as the official feeder) drawn with `subset_seed`; the log records its size, seed
# and a fingerprint of the chosen samples. The official scripts repeat each run 5 times;
# do the same with --cfg-options train_dataloader.dataset.subset_seed=0 ... 4 and average.
_base_ = ['../finetune/mamp_finetune_ntu60_xsub.py']

train_dataloader = dict(
    dataset=dict(type='LabelFractionPoseDataset', label_fraction=0.1, subset_seed=0)
)
