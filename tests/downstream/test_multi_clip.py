"""MultiClipCropResize: single clip = the paper's centre crop; clips reach the head."""

import numpy as np
import torch
from mmaction.datasets.transforms import FormatGCNInput
from mmaction.structures import ActionDataSample

from mmaction_mamp.datasets.transforms.temporal_crop import MultiClipCropResize, ValidCropResize

from small_models import small_recognizer


def _sample(valid: int = 90, total: int = 100) -> dict:
    keypoint = np.zeros((2, total, 25, 3), np.float32)
    keypoint[:, :valid] = np.random.default_rng(0).normal(size=(2, valid, 25, 3))
    return dict(keypoint=keypoint, frame_dir='demo', total_frames=total)


def test_one_clip_is_the_centre_crop():
    for ratio in (0.95, 0.8):
        multi = MultiClipCropResize(clip_len=120, num_clips=1, crop_ratio=ratio)(_sample())
        single = ValidCropResize(clip_len=120, p_interval=(ratio,))(_sample())
        np.testing.assert_array_equal(multi['keypoint'], single['keypoint'])


def test_clips_are_shifted_and_formatted_for_the_recognizer():
    transform = MultiClipCropResize(clip_len=16, num_clips=3, crop_ratio=0.8)
    # bias = int((1 - 0.8) * 90 / 2) = 8 in floating point, as in the official test crop
    assert transform.crop_bounds(90) == [(0, 74), (8, 82), (16, 90)]
    results = FormatGCNInput(num_person=2)(transform(_sample()))
    assert results['keypoint'].shape == (3, 2, 16, 25, 3)
    assert not np.allclose(results['keypoint'][0], results['keypoint'][2])

    model = small_recognizer(num_classes=4, embed_dims=16, depth=1, num_heads=2)
    inputs = torch.from_numpy(results['keypoint'])[None]  # (1, clips, M, T, V, C)
    with torch.no_grad():
        (sample,) = model(inputs, [ActionDataSample().set_gt_label(1)], mode='predict')
        scores = model.cls_head(model.extract_feat(inputs)[0]).softmax(-1).mean(0)
    torch.testing.assert_close(sample.pred_score, scores)
