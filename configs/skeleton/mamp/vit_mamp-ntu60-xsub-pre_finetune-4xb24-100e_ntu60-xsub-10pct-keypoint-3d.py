# Semi-supervised MAMP on NTU RGB+D 60 cross-subject: the fine-tune recipe
# (vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py) on 10% of the labelled
# training split. Expected top-1: see the paper (docs/model_zoo.md).
# The subset is a plain random 0.1 fraction (int(N * 0.1) clips, not stratified by
# class, as the official feeder) drawn with `subset_seed`; the log records its size, seed and
# a fingerprint of the chosen clips. The official scripts repeat each run 5 times; do the
# same with --cfg-options train_dataloader.dataset.subset_seed=0 ... 4 and average.
# Global batch 96 and lr 5e-4 on any GPU count (GlobalBatchSampler, as the recipe it inherits).
_base_ = './vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(
    dataset=dict(type='LabelFractionPoseDataset', label_fraction=0.1, subset_seed=0)
)
