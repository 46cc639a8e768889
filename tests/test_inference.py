"""Predictions and features from a checkpoint (mmaction_mamp.apis, tools/infer.py,
tools/analysis_tools/extract_features.py) on generated 2-D and 3-D clips with small
randomly initialised models."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from data_prep.prep_fixtures import upright, write_skeleton
from mmaction.apis import inference_recognizer, inference_skeleton, init_recognizer
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from mmaction_mamp.apis import (
    init_encoder_safely,
    init_recognizer_safely,
    predict_skeleton,
    read_skeleton_input,
    resolve_label_map,
    top_k,
)
from mmaction_mamp.apis.label_maps import NTU60_CLASSES, PKU_MMD_CLASSES
from mmaction_mamp.datasets.synthetic import generate_pose_2d, generate_synthetic_skeletons
from mmaction_mamp.evaluation import pool_encoder_features
from mmaction_mamp.preparation import Sample, write_pose_annotations
from mmaction_mamp.preparation.ntu_skeleton import process_recording, read_skeleton_file

REPO = Path(__file__).resolve().parents[1]
SMALL = dict(embed_dims=32, depth=1, num_heads=2, init_cfg=None)
DEMO_LINEAR = 'configs/demo/mamp_linear_demo.py'
RECIPES = 'configs/skeleton/mamp/'


def load_tool(relative_path: str):
    """A tools/ script as a module (its ``main(argv)`` runs in this process)."""
    path = REPO / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_config(name: str, num_classes: int = 10) -> Config:
    """A demo linear-probe config with a small random encoder."""
    cfg = Config.fromfile(str(REPO / name))
    cfg.model.backbone.update(SMALL)
    cfg.model.cls_head.update(in_channels=SMALL['embed_dims'], num_classes=num_classes)
    return cfg


def save_random_recognizer(cfg: Config, folder: Path, seed: int = 0) -> Path:
    """Config file + checkpoint of a randomly initialised recognizer (BN statistics set)."""
    torch.manual_seed(seed)
    model = init_recognizer_safely(cfg)
    model.cls_head.bn.running_mean.normal_()
    model.cls_head.bn.running_var.uniform_(0.5, 2.0)
    checkpoint = folder / 'model.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), checkpoint)
    cfg.dump(str(folder / 'config.py'))
    return checkpoint


@pytest.fixture(scope='module')
def model_3d(tmp_path_factory):
    folder = tmp_path_factory.mktemp('model_3d')
    cfg = small_config('configs/demo/mamp_linear_demo.py', num_classes=60)
    checkpoint = save_random_recognizer(cfg, folder)
    return folder / 'config.py', checkpoint, init_recognizer_safely(cfg, checkpoint)


@pytest.fixture(scope='module')
def model_2d(tmp_path_factory):
    folder = tmp_path_factory.mktemp('model_2d')
    cfg = small_config('configs/demo/mamp_linear_demo_2d.py')
    checkpoint = save_random_recognizer(cfg, folder, seed=1)
    return folder / 'config.py', checkpoint, init_recognizer_safely(cfg, checkpoint)


def dataset_scores(model, annotation: dict, tmp_path: Path) -> np.ndarray:
    """pred_score of the clip read back from a pickle by the config's test dataset, as
    tools/test.py feeds it to the model."""
    sample = Sample(
        annotation['frame_dir'],
        annotation['label'],
        annotation['keypoint'],
        annotation.get('keypoint_score'),
        annotation.get('img_shape'),
    )
    ann_file = tmp_path / 'one.pkl'
    write_pose_annotations(ann_file, [sample], {'test': [sample.name]})
    dataset_cfg = dict(
        type='SafePoseDataset',
        ann_file=str(ann_file),
        split='test',
        pipeline=model.cfg.test_dataloader.dataset.pipeline,
        test_mode=True,
    )
    init_default_scope('mmaction')
    item = DATASETS.build(dataset_cfg)[0]
    with torch.no_grad():
        (result,) = model.test_step(pseudo_collate([item]))
    return result.pred_score.numpy()


def test_api_scores_equal_the_test_forward_3d(model_3d, tmp_path):
    _, _, model = model_3d
    (annotation,) = generate_synthetic_skeletons(1, seed=4, classes=('raise_both_arms',))
    scores = predict_skeleton(model, annotation['keypoint'], name='raise_both_arms clip')
    assert scores.shape == (60,) and scores.sum() == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(scores, dataset_scores(model, annotation, tmp_path), atol=1e-6)
    one_person = annotation['keypoint'][0]  # (T, V, C): the pipeline pads the second person
    padded = predict_skeleton(model, np.stack([one_person, np.zeros_like(one_person)]))
    np.testing.assert_allclose(predict_skeleton(model, one_person), padded, atol=1e-6)


def test_api_scores_equal_the_test_forward_2d(model_2d, tmp_path):
    _, _, model = model_2d
    (annotation,) = generate_pose_2d(1, seed=2, classes=('right_up_left_down',))
    scores = predict_skeleton(
        model, annotation['keypoint'], annotation['keypoint_score'], annotation['img_shape']
    )
    np.testing.assert_allclose(scores, dataset_scores(model, annotation, tmp_path), atol=1e-6)
    with pytest.raises(ValueError, match=r'clip.npy: .*give img_shape'):
        predict_skeleton(
            model, annotation['keypoint'], annotation['keypoint_score'], None, 'clip.npy'
        )


def test_mmaction2_inference_skeleton_runs_a_2d_mamp_recognizer(model_2d):
    config, checkpoint, model = model_2d
    (annotation,) = generate_pose_2d(1, seed=3, classes=('raise_right_arm',))
    keypoint, score = annotation['keypoint'], annotation['keypoint_score']
    pose_results = [  # one dict per frame, as mmaction2's pose_inference returns them
        dict(keypoints=keypoint[:, frame], keypoint_scores=score[:, frame])
        for frame in range(keypoint.shape[1])
    ]
    stock_model = init_recognizer(str(config), str(checkpoint), device='cpu')
    result = inference_skeleton(stock_model, pose_results, annotation['img_shape'])
    # inference_skeleton stores the poses as float16 and PreNormalize2D computes in float16
    ours = predict_skeleton(
        model,
        keypoint.astype(np.float16),
        score.astype(np.float16),
        annotation['img_shape'],
    )
    np.testing.assert_allclose(result.pred_score.numpy(), ours, atol=2e-5)


def test_mmaction2_inference_recognizer_runs_our_models_on_the_test_loader_pipeline(
    model_3d, tmp_path
):
    """mmaction2's own inference_recognizer reads model.cfg.test_pipeline: a model of
    init_recognizer_safely has it for every config with a test loader (also one that
    names no top-level test_pipeline); a stock init_recognizer model of the NTU linear
    config gives the same scores as ours."""
    config, checkpoint, _ = model_3d
    cfg = Config.fromfile(str(config))
    cfg.pop('test_pipeline')
    assert 'test_pipeline' not in cfg
    model = init_recognizer_safely(cfg, checkpoint)
    (annotation,) = generate_synthetic_skeletons(1, seed=7, classes=('lower_left_arm',))
    data = dict(frame_dir='clip', label=-1, start_index=0, modality='Pose')
    data.update(total_frames=annotation['keypoint'].shape[1], keypoint=annotation['keypoint'])
    result = inference_recognizer(model, dict(data))
    expected = dataset_scores(model, annotation, tmp_path)
    np.testing.assert_allclose(result.pred_score.numpy(), expected, atol=1e-6)

    linear = 'vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'
    cfg = small_config(RECIPES + linear, num_classes=60)
    ntu_checkpoint = save_random_recognizer(cfg, tmp_path, seed=3)
    stock = init_recognizer(str(tmp_path / 'config.py'), str(ntu_checkpoint), device='cpu')
    ours = init_recognizer_safely(cfg, ntu_checkpoint)
    stock_scores = inference_recognizer(stock, dict(data)).pred_score.numpy()
    np.testing.assert_allclose(
        stock_scores, predict_skeleton(ours, annotation['keypoint']), atol=1e-6
    )


def test_a_head_changed_at_training_time_names_the_keys_and_the_saved_config(tmp_path, capsys):
    """Issue 23 point 6: trained with --cfg-options model.cls_head.num_classes=10, predicted
    with the unchanged config (60 classes): one error line naming the mismatching keys and
    the config the run saved in its work dir, which works."""
    work_dir = tmp_path / 'work_dirs' / 'probe'
    work_dir.mkdir(parents=True)
    checkpoint = save_random_recognizer(small_config(DEMO_LINEAR, num_classes=10), work_dir)
    (work_dir / 'config.py').rename(work_dir / 'mamp_linear_demo.py')  # as the runner saves it
    original = tmp_path / 'original.py'
    small_config(DEMO_LINEAR, num_classes=60).dump(str(original))
    clip = tmp_path / 'clip.npy'
    np.save(clip, generate_synthetic_skeletons(1, seed=8)[0]['keypoint'])
    tool = load_tool('tools/infer.py')
    assert tool.main([str(original), str(checkpoint), str(clip)]) == 2
    error = capsys.readouterr().err
    assert error.count('\n') == 1 and error.startswith(f'error: {checkpoint} does not fit')
    assert 'cls_head.fc.weight is (10, 32) in the checkpoint, (60, 32) in the model' in error
    assert 'cls_head.fc.bias is (10,) in the checkpoint, (60,) in the model' in error
    assert f'saved in its work dir: {work_dir / "mamp_linear_demo.py"}' in error
    saved = str(work_dir / 'mamp_linear_demo.py')
    assert tool.main([saved, str(checkpoint), str(clip), '--top-k', '10']) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10


def test_inference_skeleton_runs_the_test_loader_pipeline_of_the_ntu_2d_config(tmp_path):
    """mmaction2's inference_skeleton on a model of the NTU 2-D linear config gives what
    tools/test.py computes for the clip (PreNormalize2D included)."""
    linear_2d = 'vit_mamp-ntu60-xsub-2d-pre_linear-4xb128-100e_ntu60-xsub-keypoint-2d.py'
    model = init_recognizer_safely(small_config(RECIPES + linear_2d, num_classes=60))
    (annotation,) = generate_pose_2d(1, seed=9, classes=('raise_left_arm',))
    keypoint, score = annotation['keypoint'], annotation['keypoint_score']
    pose_results = [
        dict(keypoints=keypoint[:, frame], keypoint_scores=score[:, frame])
        for frame in range(keypoint.shape[1])
    ]
    result = inference_skeleton(model, pose_results, annotation['img_shape'])
    # inference_skeleton stores the poses as float16
    keypoint, score = (array.astype(np.float16).astype(np.float32) for array in (keypoint, score))
    float16 = dict(annotation, keypoint=keypoint, keypoint_score=score)
    expected = dataset_scores(model, float16, tmp_path)
    np.testing.assert_allclose(result.pred_score.numpy(), expected, atol=2e-5)


def test_infer_command_npy_top_k_and_ntu_names(model_3d, tmp_path, capsys):
    config, checkpoint, model = model_3d
    (annotation,) = generate_synthetic_skeletons(1, seed=5, classes=('squat_down',))
    clip = tmp_path / 'squat_down.npy'
    np.save(clip, annotation['keypoint'])
    argv = [str(config), str(checkpoint), str(clip), '--label-map', 'ntu60', '--top-k', '4']
    assert load_tool('tools/infer.py').main(argv) == 0
    rows = [line.split('\t') for line in capsys.readouterr().out.strip().splitlines()]

    expected = top_k(predict_skeleton(model, annotation['keypoint']), NTU60_CLASSES, 4)
    assert [name for name, _ in rows] == [name for name, _ in expected]
    assert [float(score) for _, score in rows] == [round(score, 4) for _, score in expected]
    scores = [score for _, score in expected]
    assert scores == sorted(scores, reverse=True)


def test_infer_command_reads_an_ntu_skeleton_file(model_3d, tmp_path, capsys):
    config, checkpoint, model = model_3d
    frames = [[('72057594037931101', upright(0.1 * t, z=3.0 + 0.01 * t))] for t in range(20)]
    path = write_skeleton(tmp_path, 'S001C001P001R001A023', frames)
    sequence = read_skeleton_input(path)
    expected = process_recording(read_skeleton_file(path))  # the training data's processing
    np.testing.assert_array_equal(sequence.keypoint, expected)
    assert not sequence.keypoint[0, 0, 1].any()  # centred on the first spine-middle joint

    assert load_tool('tools/infer.py').main([str(config), str(checkpoint), str(path)]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    best = top_k(predict_skeleton(model, expected), [str(i) for i in range(60)], 5)
    assert rows == [f'{name}\t{score:.4f}' for name, score in best]


def test_infer_command_reads_mmpose_json_2d(model_2d, tmp_path, capsys):
    config, checkpoint, model = model_2d
    (annotation,) = generate_pose_2d(1, seed=6, classes=('stand_up',))
    keypoint, score = annotation['keypoint'], annotation['keypoint_score']
    frames = [
        dict(
            frame_id=frame,
            instances=[
                dict(
                    keypoints=keypoint[m, frame].tolist(), keypoint_scores=score[m, frame].tolist()
                )
                for m in range(keypoint.shape[0])
            ],
        )
        for frame in range(keypoint.shape[1])
    ]
    path = tmp_path / 'stand_up.json'
    path.write_text(json.dumps(frames))
    height, width = annotation['img_shape']
    argv = [str(config), str(checkpoint), str(path), '--img-shape', str(height), str(width)]
    assert load_tool('tools/infer.py').main(argv + ['--top-k', '10']) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    expected = predict_skeleton(model, keypoint, score, annotation['img_shape'])
    best = top_k(expected, [str(i) for i in range(10)], 10)
    assert rows == [f'{name}\t{value:.4f}' for name, value in best]

    assert load_tool('tools/infer.py').main(argv[:3]) == 2
    assert 'stand_up.json: the test pipeline normalises pixels' in capsys.readouterr().err


def test_infer_errors_name_the_file_and_the_expected_shape(model_3d, tmp_path, capsys):
    config, checkpoint, _ = model_3d
    tool = load_tool('tools/infer.py')
    wrong = tmp_path / 'coco17.npy'
    np.save(wrong, np.ones((30, 17, 3), np.float32))
    assert tool.main([str(config), str(checkpoint), str(wrong)]) == 2
    error = capsys.readouterr().err
    assert 'coco17.npy: the model takes 25 joints x 3 coordinates' in error
    assert '(T, 25, 3) or (M, T, 25, 3); got (30, 17, 3)' in error
    flat = tmp_path / 'flat.npy'
    np.save(flat, np.ones((30, 75), np.float32))
    assert tool.main([str(config), str(checkpoint), str(flat)]) == 2
    assert 'flat.npy: wrong array shape: expected a skeleton of shape (T, V, C)' in (
        capsys.readouterr().err
    )
    assert tool.main([str(config), str(checkpoint), str(wrong), '--label-map', 'pku-mmd']) == 2
    assert 'label map pku-mmd has 51 names, the model has 60 classes' in capsys.readouterr().err


def test_label_maps(tmp_path):
    assert resolve_label_map('pku-mmd', 51) == list(PKU_MMD_CLASSES)
    assert resolve_label_map('ntu120', 120)[59:61] == [
        'walking apart from each other',
        'put on headphone',
    ]
    names = tmp_path / 'names.txt'
    names.write_text('sit\n\nstand\n')
    assert resolve_label_map(str(names), 2) == ['sit', 'stand']
    assert resolve_label_map(None, 3) == ['0', '1', '2']
    assert top_k(np.array([0.2, 0.5, 0.2, 0.1]), 'abcd', 3) == [('b', 0.5), ('a', 0.2), ('c', 0.2)]


def test_recognizer_refuses_a_pretraining_checkpoint(tmp_path):
    cfg = small_config('configs/demo/mamp_linear_demo.py')
    encoder_only = {
        f'backbone.{key}': value
        for key, value in init_recognizer_safely(cfg).backbone.state_dict().items()
    }
    encoder_only['head.mask_token'] = torch.zeros(1, 1, 32)
    checkpoint = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=encoder_only), checkpoint)
    with pytest.raises(ValueError, match='holds no classification head .*pre-training checkpoint'):
        init_recognizer_safely(cfg, checkpoint)
    pretrain_cfg = Config.fromfile(str(REPO / 'configs/demo/mamp_pretrain_demo.py'))
    with pytest.raises(ValueError, match='has no cls_head'):
        init_recognizer_safely(pretrain_cfg, checkpoint)


def test_features_equal_a_direct_forward(model_3d, tmp_path):
    config, checkpoint, model = model_3d
    out = tmp_path / 'features.npz'
    argv = [str(config), str(checkpoint), '--split', 'val', '--out', str(out)]
    argv += ['--num-workers', '0', '--batch-size', '3']
    argv += ['--cfg-options', 'val_dataloader.dataset.num_per_class=1']
    assert load_tool('tools/analysis_tools/extract_features.py').main(argv) == 0

    cfg = Config.fromfile(str(config))
    cfg.val_dataloader.dataset.num_per_class = 1
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    clips = torch.stack([dataset[index]['inputs'] for index in range(len(dataset))])
    with torch.no_grad():
        direct = pool_encoder_features(model.backbone(clips.flatten(0, 1)))
    with np.load(out) as saved:
        np.testing.assert_allclose(saved['features'], direct.numpy(), atol=1e-5)
        assert saved['labels'].tolist() == list(range(10))
        assert saved['names'].tolist() == [dataset.get_data_info(i)['frame_dir'] for i in range(10)]


def test_features_of_a_pretraining_checkpoint(model_3d, tmp_path):
    config, _, model = model_3d
    state = {f'backbone.{key}': value for key, value in model.backbone.state_dict().items()}
    state['head.decoder_pred.weight'] = torch.zeros(12, 32)  # the decoder is ignored
    checkpoint = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=state), checkpoint)
    out = tmp_path / 'train.npz'
    argv = [str(config), str(checkpoint), '--split', 'train', '--out', str(out)]
    argv += ['--num-workers', '0', '--batch-size', '4']
    argv += ['--cfg-options', 'train_dataloader.dataset.num_per_class=1']
    assert load_tool('tools/analysis_tools/extract_features.py').main(argv) == 0
    cfg = Config.fromfile(str(config))
    cfg.train_dataloader.dataset.update(
        num_per_class=1, pipeline=cfg.test_dataloader.dataset.pipeline
    )
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    clips = torch.stack([dataset[index]['inputs'] for index in range(10)])
    with torch.no_grad():  # the test view (no random crop or rotation) of the training clips
        direct = pool_encoder_features(model.backbone(clips.flatten(0, 1)))
    with np.load(out) as saved:
        assert saved['features'].shape == (10, 32)
        np.testing.assert_allclose(saved['features'], direct.numpy(), atol=1e-5)
    torch.save(dict(state_dict={'head.x': torch.zeros(1)}), checkpoint)
    with pytest.raises(ValueError, match='has no backbone.. weights'):
        init_encoder_safely(str(config), checkpoint)
