# mmaction2's 2-D NTU RGB+D 60 (HRNet COCO-17 keypoints with scores, docs/pose_2d.md),
# cross-subject: downstream data with the 2-D pipelines of pose2d_pipelines.py.
_base_ = ['./skeleton_classification.py', './pose2d_pipelines.py']

ann_file = 'data/skeleton/ntu60_2d.pkl'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train', pipeline=_base_.train_pipeline_2d)
)
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_val', pipeline=_base_.test_pipeline_2d)
)
test_dataloader = val_dataloader
