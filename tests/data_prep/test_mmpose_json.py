"""mmpose keypoint JSON (2-D and 3-D video predictions) -> PoseDataset pickle."""

import json

import numpy as np
import pytest
from test_data_prep_cli import load_tool

from mmaction_mamp.datasets.safe_pickle import load_annotation_pickle
from mmaction_mamp.preparation import convert_mmpose_folder
from mmaction_mamp.preparation.mmpose_json import read_mmpose_json
from mmaction_mamp.preparation.records import InputFormatError


def instance(offset: float, joints: int = 17, coords: int = 2, score: float = 0.9) -> dict:
    """One mmpose instance: joint j at (offset + j, offset - j[, offset * j])."""
    points = [[offset + j, offset - j, offset * j][:coords] for j in range(joints)]
    return dict(
        keypoints=points,
        keypoint_scores=[score] * joints,
        bbox=[[0.0, 0.0, 10.0, 10.0]],
        bbox_score=0.99,
    )


def video_2d() -> list:
    """Frames 0, 1 (nobody), 3 (frame 2 missing, three people), as MMPoseInferencer writes."""
    return [
        dict(frame_id=0, instances=[instance(100.0), instance(300.0, score=0.5)]),
        dict(frame_id=1, instances=[]),
        dict(frame_id=3, instances=[instance(110.0), instance(310.0), instance(900.0)]),
    ]


def test_frames_persons_and_scores(tmp_path):
    path = tmp_path / 'walk.json'
    path.write_text(json.dumps(video_2d()))
    poses = read_mmpose_json(path, max_persons=2)
    assert poses.keypoint.shape == (2, 4, 17, 2) and poses.keypoint_score.shape == (2, 4, 17)
    np.testing.assert_array_equal(poses.keypoint[0, 0, 5], [105.0, 95.0])
    np.testing.assert_array_equal(poses.keypoint[1, 3, 0], [310.0, 310.0])
    assert not poses.keypoint[:, [1, 2]].any() and not poses.keypoint_score[:, [1, 2]].any()
    assert poses.keypoint_score[1, 0, 0] == pytest.approx(0.5)
    assert poses.dropped_instances == 1


def test_demo_layout_and_3d_keypoints(tmp_path):
    path = tmp_path / 'lift.json'
    lifted = [instance(float(i), coords=3) for i in range(3)]
    frames = [  # the 3-D lifter nests one more (1, V, 3) axis
        dict(frame_id=i, instances=[dict(keypoints=[x['keypoints']], keypoint_scores=[[1.0] * 17])])
        for i, x in enumerate(lifted)
    ]
    path.write_text(json.dumps(dict(meta_info=dict(num_keypoints=17), instance_info=frames)))
    poses = read_mmpose_json(path)
    assert poses.keypoint.shape == (1, 3, 17, 3)
    np.testing.assert_array_equal(poses.keypoint[0, 2, 4], [6.0, -2.0, 8.0])


def test_format_errors_name_the_file(tmp_path):
    path = tmp_path / 'bad.json'
    path.write_text('[{"frame_id": 0,\n "instances": [}]')
    with pytest.raises(InputFormatError, match=r'bad.json:2: malformed json'):
        read_mmpose_json(path)
    frames = [dict(frame_id=0, instances=[instance(1.0)]), dict(frame_id=1, instances=[])]
    frames[1]['instances'] = [instance(1.0, joints=25)]
    path.write_text(json.dumps(frames))
    with pytest.raises(InputFormatError, match=r'wrong joint count: .*\(25, 2\).*\(17, 2\)'):
        read_mmpose_json(path)
    path.write_text(json.dumps(dict(predictions=[])))
    with pytest.raises(InputFormatError, match='mmpose video output'):
        read_mmpose_json(path)


def test_folder_2d_keeps_scores_and_image_size_3d_does_not(tmp_path):
    folder_2d, folder_3d = tmp_path / 'pose2d', tmp_path / 'pose3d'
    folder_2d.mkdir()
    folder_3d.mkdir()
    (folder_2d / 'walk.json').write_text(json.dumps(video_2d()))
    frames_3d = [dict(frame_id=i, instances=[instance(i + 1.0, coords=3)]) for i in range(5)]
    (folder_3d / 'lift.json').write_text(json.dumps(frames_3d))
    labels = tmp_path / 'labels.txt'
    labels.write_text('walk 3\nlift 1\n')

    out_2d = tmp_path / 'pose2d.pkl'
    summary = convert_mmpose_folder(
        folder_2d, out_2d, labels_file=labels, img_shape=(480, 640), val_fraction=0.0
    )
    (walk,) = load_annotation_pickle(out_2d)['annotations']
    assert walk['label'] == 3 and walk['img_shape'] == walk['original_shape'] == (480, 640)
    assert walk['keypoint'].shape == (2, 4, 17, 2) and walk['keypoint_score'].shape == (2, 4, 17)
    assert walk['keypoint_score'].dtype == np.float32
    assert any('1 instance(s) beyond the first 2' in note for note in summary.notes)

    summary = convert_mmpose_folder(folder_2d, out_2d, labels_file=labels)
    assert [r.category for r in summary.skipped] == ['no image size']

    out_3d = tmp_path / 'pose3d.pkl'
    convert_mmpose_folder(folder_3d, out_3d, labels_file=labels, val_fraction=0.0)
    (lift,) = load_annotation_pickle(out_3d)['annotations']
    assert lift['keypoint'].shape == (1, 5, 17, 3) and set(lift) == {
        'frame_dir',
        'label',
        'total_frames',
        'keypoint',
    }


def test_command(tmp_path, capsys):
    folder = tmp_path / 'json'
    folder.mkdir()
    (folder / 'walk.json').write_text(json.dumps(video_2d()))
    out = tmp_path / 'cli.pkl'
    argv = [str(folder), '--out', str(out), '--img-shape', '480', '640', '--max-persons', '3']
    assert load_tool('mmpose_to_mmaction').main(argv) == 0
    captured = capsys.readouterr().out
    assert 'written: 1 samples' in captured and 'every clip is unlabelled' in captured
    (walk,) = load_annotation_pickle(out)['annotations']
    assert walk['keypoint'].shape[0] == 3 and walk['label'] == -1
