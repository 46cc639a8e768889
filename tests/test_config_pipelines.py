"""Every config keeps mmaction2's pipeline names, and the NTU-layout pipelines centre first.

mmaction2's own inference API (``mmaction.apis.inference_recognizer``) reads the config's
top-level ``test_pipeline``; a config whose test loader uses another pipeline would predict
on another view of the clip than ``tools/test.py`` scores (issue 23, point 9).
"""

from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.apis import inference_recognizer, init_recognizer
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

REPO = Path(__file__).resolve().parents[1]
# configs/demo/ is checked by the demo's own tests
CONFIGS = sorted(
    str(path.relative_to(REPO))
    for path in (REPO / 'configs').rglob('*.py')
    if path.relative_to(REPO / 'configs').parts[0] not in ('_base_', 'demo')
)
WITH_TEST_LOADER = [
    name for name in CONFIGS if Config.fromfile(str(REPO / name)).get('test_dataloader')
]
# the 3-D configs of the NTU / PKU-MMD 25-joint Kinect layout (mmaction2's stock-pipeline
# mixing examples normalise with PreNormalize3D instead)
NTU_LAYOUT = [
    name
    for name in CONFIGS
    if name.endswith('keypoint-3d.py') and '/custom/' not in name and 'stgcn' not in name
] + ['configs/mamp_pretrain_ntu60.py']


def _cfg(name: str) -> Config:
    return Config.fromfile(str(REPO / name))


def _steps(pipeline: list) -> list:
    """The steps without ``_scope_`` (set on the variables of an ``mmaction::`` base)."""
    return [{key: value for key, value in step.items() if key != '_scope_'} for step in pipeline]


def _loader_pipeline(loader: dict) -> list:
    """The pipeline of a loader's dataset, inside dataset wrappers (RepeatDataset)."""
    dataset = loader['dataset']
    while 'pipeline' not in dataset:
        dataset = dataset['dataset']
    return dataset['pipeline']


def test_the_config_lists_are_not_empty():
    assert len(WITH_TEST_LOADER) >= 24 and len(NTU_LAYOUT) >= 27


@pytest.mark.parametrize('name', WITH_TEST_LOADER)
def test_test_pipeline_is_the_one_the_test_loader_uses(name):
    cfg = _cfg(name)
    for split in ('train', 'val', 'test'):
        pipeline = cfg[f'{split}_pipeline']
        assert _steps(pipeline) == _steps(_loader_pipeline(cfg[f'{split}_dataloader'])), split


@pytest.mark.parametrize('name', NTU_LAYOUT)
def test_ntu_layout_pipelines_centre_first(name):
    """mmaction2's ntu60_3d.pkl keeps raw Kinect coordinates: every pipeline centres them."""
    cfg = _cfg(name)
    pipelines = [cfg.train_dataloader.dataset.pipeline, cfg.test_pipeline]
    for loader in ('val_dataloader', 'test_dataloader'):
        if cfg.get(loader):
            pipelines.append(cfg[loader].dataset.pipeline)
    for hook in cfg.get('custom_hooks', []):
        for loader in ('train_dataloader', 'val_dataloader'):
            if loader in hook:
                pipelines.append(hook[loader].dataset.pipeline)
    for pipeline in pipelines:
        assert pipeline[0] == dict(type='CentreSkeleton', origin_joint=1)
        assert [step.type for step in pipeline].count('CentreSkeleton') == 1


def test_mmaction2_inference_api_reads_the_config(tmp_path):
    """mmaction2's init_recognizer + inference_recognizer on a zoo config and a raw clip."""
    name = (
        'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'
    )
    cfg = _cfg(name)
    cfg.model.backbone.update(embed_dims=32, depth=1, num_heads=2, init_cfg=None)
    cfg.model.cls_head.in_channels = 32
    model = init_recognizer(cfg, device='cpu')
    rng = np.random.default_rng(0)
    keypoint = (rng.normal(size=(2, 90, 25, 3)).cumsum(1) * 0.01 + 3.0).astype(np.float32)
    clip = dict(keypoint=keypoint, total_frames=90, frame_dir='S001C001P001R001A001', label=-1)
    result = inference_recognizer(model, dict(clip, start_index=0, modality='Pose'))
    assert result.pred_score.shape == (60,)
    torch.testing.assert_close(result.pred_score.sum(), torch.tensor(1.0))


@pytest.mark.parametrize(
    'name',
    [
        'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py',
        'configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py',
    ],
)
def test_raw_kinect_coordinates_give_the_input_of_the_centred_clip(name):
    """mmaction2's ntu60_3d.pkl (camera coordinates) and ours (centred) feed the same input."""
    cfg = _cfg(name)
    with DefaultScope.overwrite_default_scope('mmaction'):
        pipeline = Compose(cfg.test_pipeline)
    rng = np.random.default_rng(0)
    centred = (rng.normal(size=(2, 90, 25, 3)).cumsum(1) * 0.01).astype(np.float32)
    centred -= centred[0, 0, 1]  # the spine middle of person 0 in frame 0 at the origin
    centred[1, 60:] = 0  # person 1 leaves
    raw = centred + np.array([0.4, -0.2, 3.1], np.float32)  # metres from the Kinect
    raw[1, 60:] = 0
    inputs = [
        pipeline(dict(keypoint=clip, total_frames=90, frame_dir='S001C001P001R001A001', label=0))[
            'inputs'
        ]
        for clip in (raw, centred)
    ]
    torch.testing.assert_close(inputs[0], inputs[1], rtol=0, atol=1e-5)
