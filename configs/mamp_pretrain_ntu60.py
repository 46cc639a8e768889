# The paper's main pre-training run, under the short name the README uses: NTU-60
# cross-subject, configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py. It
# writes where that config does, so the NTU-60 xsub linear / fine-tune / semi-supervised
# configs find work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d/epoch_400.pth.
#   bash tools/dist_train.sh configs/mamp_pretrain_ntu60.py 8
_base_ = ['./skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py']

work_dir = './work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d'
