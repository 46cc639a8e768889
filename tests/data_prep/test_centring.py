"""CentreSkeleton: the official centring as a pipeline transform."""

import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from mmaction_mamp.datasets.transforms import CentreSkeleton
from mmaction_mamp.preparation.ntu_skeleton import process_recording, read_skeleton_file

from prep_fixtures import upright, write_skeleton


def raw_sample() -> np.ndarray:
    """(2, 4, 25, 3): person 0 absent in frame 0, person 1 absent in frame 3."""
    keypoint = np.zeros((2, 4, 25, 3), np.float32)
    for t in range(1, 4):
        keypoint[0, t] = upright(1.0 + 0.1 * t)
    for t in range(3):
        keypoint[1, t] = upright(2.0, 0.4)
    return keypoint


def test_hand_values_and_absent_frames():
    results = CentreSkeleton()(dict(keypoint=raw_sample(), frame_dir='x'))
    keypoint = results['keypoint']
    assert keypoint.dtype == np.float32 and keypoint.shape == (2, 4, 25, 3)
    # origin = joint 1 of person 0 in frame 1 = (1.11, 0.55, 3.0)
    np.testing.assert_allclose(keypoint[0, 1, 1], [0, 0, 0], atol=1e-7)
    np.testing.assert_allclose(keypoint[0, 3, 4], [1.34 - 1.11, 0.7 - 0.55, 0], atol=1e-6)
    np.testing.assert_allclose(keypoint[1, 2, 0], [2.0 - 1.11, 0.4 - 0.55, 0], atol=1e-6)
    assert not keypoint[0, 0].any() and not keypoint[1, 3].any()


def test_idempotent_and_built_from_registry():
    transform = TRANSFORMS.build(dict(type='CentreSkeleton', origin_joint=1))
    once = transform(dict(keypoint=raw_sample()))['keypoint']
    twice = transform(dict(keypoint=once.copy()))['keypoint']
    np.testing.assert_array_equal(once, twice)
    assert repr(transform) == 'CentreSkeleton(origin_joint=1)'


def mmaction2_raw(recording) -> np.ndarray:
    """(M, T, 25, 3): the parsed bodies in mmaction2's raw ``ntu60_3d.pkl`` layout (Kinect
    camera coordinates, zeros where a body is absent)."""
    raw = np.zeros((len(recording.tracks), recording.num_frames, 25, 3), np.float32)
    for person, track in enumerate(recording.tracks):
        raw[person, track.start : track.end + 1] = track.joints
    return raw


@pytest.mark.parametrize(
    'bodies',
    [
        lambda t: [('1', upright(1.0 + 0.1 * t)), ('2', upright(2.0, 0.4))],
        lambda t: [('1', upright(1.0 + 0.1 * t))] + ([('2', upright(2.0))] if t < 12 else []),
        lambda t: ([('1', upright(0.3))] if t > 2 else []) + [('2', upright(2.0 - 0.05 * t))],
        lambda t: [('7', upright(1.0 + 0.1 * t, z=2.5 + 0.01 * t))],
    ],
    ids=['two actors', 'actor 2 leaves', 'actor 1 comes late', 'one body'],
)
def test_raw_mmaction2_coordinates_centre_as_the_converter_does(tmp_path, bodies):
    """CentreSkeleton on mmaction2's raw layout == the converter's official translation,
    bit for bit; on the converter's output it changes nothing."""
    frames = [bodies(t) for t in range(15)]
    recording = read_skeleton_file(write_skeleton(tmp_path, 'S001C001P001R001A001', frames))
    converted = process_recording(recording)  # (2, T, 25, 3), centred
    raw = mmaction2_raw(recording)
    centred = CentreSkeleton()(dict(keypoint=raw))['keypoint']
    np.testing.assert_array_equal(centred, converted[: len(raw)])
    assert not converted[len(raw) :].any()
    unchanged = CentreSkeleton()(dict(keypoint=converted.copy()))['keypoint']
    np.testing.assert_array_equal(unchanged, converted)


@pytest.mark.parametrize(
    ('keypoint', 'message'),
    [
        (np.zeros((2, 3, 25, 3), np.float32), 'person 0 of S001 is zero in every frame'),
        (np.ones((1, 2, 1, 3), np.float32), 'keypoint of S001 has 1 joints, origin_joint is 1'),
    ],
)
def test_bad_input_names_the_sample(keypoint, message):
    with pytest.raises(ValueError, match=message):
        CentreSkeleton()(dict(keypoint=keypoint, frame_dir='S001'))
