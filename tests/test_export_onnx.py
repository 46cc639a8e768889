"""ONNX export of linear-probe and fine-tuned MAMP recognizers, checked on onnxruntime
(needs the deploy extra: pip install -e ".[deploy]")."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmaction_mamp.apis import init_recognizer_safely

DEPLOY_EXTRA = 'the deploy extra is not installed (pip install -e ".[deploy]")'
onnxruntime = pytest.importorskip('onnxruntime', reason=DEPLOY_EXTRA)
pytest.importorskip('onnxscript', reason=DEPLOY_EXTRA)
pytest.importorskip('onnx', reason=DEPLOY_EXTRA)

REPO = Path(__file__).resolve().parents[1]
SMALL = dict(embed_dims=32, depth=1, num_heads=2, init_cfg=None)


def load_export_tool():
    """tools/deployment/export_onnx.py as a module (its functions run in this process)."""
    spec = importlib.util.spec_from_file_location(
        'export_onnx', REPO / 'tools/deployment/export_onnx.py'
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def small_recognizer(name: str, **head) -> torch.nn.Module:
    """A demo config's recognizer with a small random encoder (BN statistics set)."""
    cfg = Config.fromfile(str(REPO / name))
    cfg.model.backbone.update(SMALL)
    cfg.model.cls_head.update(in_channels=SMALL['embed_dims'], **head)
    torch.manual_seed(0)
    model = init_recognizer_safely(cfg)
    for module in model.cls_head.modules():
        if isinstance(module, torch.nn.BatchNorm1d):
            module.running_mean.normal_()
            module.running_var.uniform_(0.5, 2.0)
    return model


def pipeline_clips(model, count: int = 3):
    """(count, num_clips, M, T, V, C) test-pipeline outputs and the model's pred_score."""
    dataset_cfg = model.cfg.test_dataloader.dataset
    dataset_cfg.num_per_class = 1
    dataset = DATASETS.build(dataset_cfg)
    items = [dataset[index] for index in range(count)]
    with torch.no_grad():
        results = model.test_step(pseudo_collate(items))
    inputs = torch.stack([item['inputs'] for item in items])
    return inputs, torch.stack([result.pred_score for result in results]).numpy()


def onnx_scores(path: Path, inputs: torch.Tensor) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    (scores,) = session.run(['scores'], {'keypoint': inputs.numpy()})
    return scores


@pytest.mark.parametrize(
    'name, head',
    [
        ('configs/demo/mamp_linear_demo.py', {}),
        ('configs/demo/mamp_finetune_demo.py', dict(hidden_dims=64)),
        ('configs/demo/mamp_linear_demo_2d.py', {}),
    ],
)
def test_onnx_scores_equal_the_pred_score(tmp_path, name, head):
    model = small_recognizer(name, **head)
    path = tmp_path / 'model.onnx'
    shape = load_export_tool().export_onnx(model, str(path))
    inputs, pred_score = pipeline_clips(model)
    assert tuple(inputs.shape[1:]) == shape
    scores = onnx_scores(path, inputs)
    assert scores.shape == (3, 10)
    np.testing.assert_allclose(scores.sum(axis=1), 1.0, atol=1e-5)  # probabilities
    np.testing.assert_allclose(scores, pred_score, atol=1e-5)
    np.testing.assert_allclose(onnx_scores(path, inputs[:1]), pred_score[:1], atol=1e-5)


def test_multi_clip_test_pipeline_is_averaged_like_mmaction2(tmp_path):
    model = small_recognizer('configs/demo/mamp_linear_demo.py')
    pipeline = [
        dict(type='MultiClipCropResize', clip_len=32, num_clips=3, crop_ratio=0.8),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs'),
    ]
    model.cfg.test_dataloader.dataset.pipeline = model.cfg.test_pipeline = pipeline
    tool = load_export_tool()
    assert tool.input_shape(model) == (3, 2, 32, 25, 3)
    path = tmp_path / 'multi.onnx'
    tool.export_onnx(model, str(path))
    inputs, pred_score = pipeline_clips(model, count=2)
    np.testing.assert_allclose(onnx_scores(path, inputs), pred_score, atol=1e-5)


def test_export_command_is_quiet_and_states_the_contract(tmp_path, capfd):
    model = small_recognizer('configs/demo/mamp_finetune_demo.py', hidden_dims=64)
    checkpoint = tmp_path / 'finetuned.pth'
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    config = tmp_path / 'finetune.py'
    model.cfg.dump(str(config))
    capfd.readouterr()
    tool = load_export_tool()
    out = tmp_path / 'finetuned.onnx'
    assert tool.main([str(config), str(checkpoint), '--out', str(out)]) == 0
    captured = capfd.readouterr()
    assert "input  'keypoint': float32 (N, 1, 1, 32, 25, 3)" in captured.out
    assert "output 'scores': float32 (N, 10) class probabilities" in captured.out
    diff = float(captured.out.split('max abs diff ')[1])
    assert diff < 1e-5
    assert captured.err == '' and 'Warning' not in captured.out
    assert not list(tmp_path.glob('*.data'))  # one self-contained file
