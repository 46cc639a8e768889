"""Official NTU processing steps on hand-built ``.skeleton`` files."""

import numpy as np
import pytest

from mmaction_mamp.preparation.ntu_skeleton import (
    BodyTrack,
    assemble_actors,
    denoise_by_length,
    denoise_by_spread,
    noisy_frames_by_spread,
    process_recording,
    read_skeleton_file,
    track_motion,
)
from mmaction_mamp.preparation.records import InputFormatError

from prep_fixtures import upright, wide, write_skeleton

ORIGIN = np.array([1.01, 0.55, 3.0])  # joint 1 of upright(1.0)


def expected_moving(t: float, speed: float = 0.1) -> np.ndarray:
    """upright(1.0 + speed * t) minus ORIGIN, (25, 3)."""
    return upright(1.0 + speed * t) - ORIGIN


def process(path) -> np.ndarray:
    return process_recording(read_skeleton_file(path))


def test_single_body_translation_and_dropped_empty_frame(tmp_path):
    frames = [[('72057594037931101', upright(1.0 + 0.1 * t))] for t in range(4)]
    frames.insert(2, [])  # a frame with no body is dropped
    keypoint = process(write_skeleton(tmp_path, 'S001C001P001R001A001', frames))

    assert keypoint.dtype == np.float32 and keypoint.shape == (2, 4, 25, 3)
    # hand-computed: frame 3, joint 4 = (1.3 + 0.04 - 1.01, 0.5 + 0.2 - 0.55, 0)
    np.testing.assert_allclose(keypoint[0, 3, 4], [0.33, 0.15, 0.0], atol=1e-6)
    np.testing.assert_allclose(keypoint[0, 0, 1], [0.0, 0.0, 0.0], atol=1e-7)
    for t in range(4):
        np.testing.assert_allclose(keypoint[0, t], expected_moving(t), atol=1e-6)
    assert not keypoint[1].any()


def test_motion_is_the_variance_sum():
    static = np.stack([upright(2.0, 0.4)] * 15).astype(np.float32)
    # var(0.01 * (j % 5)) = 0.0002, var(0.05 * j) = 0.0025 * 52 = 0.13, z constant
    assert track_motion(static) == pytest.approx(0.1302, abs=1e-6)
    moving = np.stack([upright(1.0 + 0.1 * t) for t in range(15)]).astype(np.float32)
    # + var(0.1 * t), t = 0..14: 0.01 * (225 - 1) / 12
    assert track_motion(moving) == pytest.approx(0.1302 + 0.01 * 224 / 12, abs=1e-5)


def two_body_frames(num_frames: int = 15) -> list:
    """Static body '200' listed first, moving body '100' (more motion) second."""
    return [
        [('200', upright(2.0, 0.4, 3.5)), ('100', upright(1.0 + 0.1 * t))]
        for t in range(num_frames)
    ]


def check_two_body_output(keypoint: np.ndarray) -> None:
    assert keypoint.shape == (2, 15, 25, 3)
    for t in range(15):
        np.testing.assert_allclose(keypoint[0, t], expected_moving(t), atol=1e-6)
    # actor 2 = upright(2.0, 0.4, 3.5) - ORIGIN: joint 3 = (2.03 - 1.01, 0.55 - 0.55, 0.5)
    np.testing.assert_allclose(keypoint[1, 7, 3], [1.02, 0.0, 0.5], atol=1e-6)
    np.testing.assert_allclose(keypoint[1, 0], upright(2.0, 0.4, 3.5) - ORIGIN, atol=1e-6)


def test_two_bodies_ranked_by_motion(tmp_path):
    check_two_body_output(
        process(write_skeleton(tmp_path, 'S001C002P003R001A050', two_body_frames()))
    )


def test_short_lived_body_is_dropped(tmp_path):
    frames = two_body_frames()
    for t in range(11):  # seen in 11 frames (<= 11): noise, despite its large motion
        frames[t].append(('300', upright(5.0 * t)))
    check_two_body_output(process(write_skeleton(tmp_path, 'S001C003P002R002A051', frames)))


def test_body_rejected_by_spread(tmp_path):
    frames = [[('900', wide(1.0 + 0.3 * t)), ('100', upright(1.0 + 0.1 * t))] for t in range(15)]
    keypoint = process(write_skeleton(tmp_path, 'S002C001P004R001A052', frames))
    for t in range(15):  # the wide body had the most motion but is gone
        np.testing.assert_allclose(keypoint[0, t], expected_moving(t), atol=1e-6)
    assert not keypoint[1].any()


def test_two_tracks_merged_into_actor_one(tmp_path):
    frames = []
    for t in range(30):
        first_track = ('11', upright(1.0 + 0.2 * t)) if t < 15 else ('12', upright(1.0 + 0.05 * t))
        frames.append([first_track, ('13', upright(2.0, 0.4))])
    keypoint = process(write_skeleton(tmp_path, 'S001C001P005R001A053', frames))

    assert keypoint.shape == (2, 30, 25, 3)
    np.testing.assert_allclose(keypoint[0, 14], expected_moving(14, 0.2), atol=1e-5)
    # body '12' continues actor 1: frame 20 joint 0 = (2.0 - 1.01, 0.5 - 0.55, 0)
    np.testing.assert_allclose(keypoint[0, 20, 0], [0.99, -0.05, 0.0], atol=1e-6)
    np.testing.assert_allclose(keypoint[0, 29], expected_moving(29, 0.05), atol=1e-5)
    for t in (0, 15, 29):
        np.testing.assert_allclose(keypoint[1, t], upright(2.0, 0.4) - ORIGIN, atol=1e-6)


def test_empty_frames_cut_and_missing_actor_reset(tmp_path):
    frames = []
    for t in range(20):
        bodies = [('1', upright(1.0 + 0.1 * t))]
        if t < 15:
            bodies.append(('2', upright(2.0, 0.4)))
        frames.append(bodies)
    frames[5:5] = [[], []]  # two frames without body: dropped
    frames += [[('3', upright(9.0))] for _ in range(5)]  # short body only: frames cut
    keypoint = process(write_skeleton(tmp_path, 'S001C002P008R002A054', frames))

    assert keypoint.shape == (2, 20, 25, 3)
    np.testing.assert_allclose(keypoint[0, 19], expected_moving(19), atol=1e-5)
    np.testing.assert_allclose(keypoint[1, 14], upright(2.0, 0.4) - ORIGIN, atol=1e-6)
    assert not keypoint[1, 15:].any()  # reset to zero, not -origin


def test_origin_from_first_frame_where_actor_one_is_present(tmp_path):
    frames = [[('1', upright(1.0 + 0.1 * t))] for t in range(18)]
    for t in range(3, 15):  # 12 frames (kept), far more motion: actor 1 from frame 3
        frames[t].append(('9', upright(3.0 + (t - 3))))
    keypoint = process(write_skeleton(tmp_path, 'S001C001P001R001A055', frames))

    origin = np.array([3.01, 0.55, 3.0])  # joint 1 of body '9' in frame 3
    assert keypoint.shape == (2, 18, 25, 3)
    assert not keypoint[0, :3].any() and not keypoint[0, 15:].any()  # absent: zero
    np.testing.assert_allclose(keypoint[0, 3, 1], [0.0, 0.0, 0.0], atol=1e-7)
    np.testing.assert_allclose(keypoint[0, 4], upright(4.0) - origin, atol=1e-6)
    # body '1' overlaps actor 1, so it is actor 2, translated by the same origin
    np.testing.assert_allclose(keypoint[1, 0, 0], [1.0 - 3.01, 0.5 - 0.55, 0.0], atol=1e-6)
    np.testing.assert_allclose(keypoint[1, 17], upright(2.7) - origin, atol=1e-5)


def test_file_without_body(tmp_path):
    path = write_skeleton(tmp_path, 'S001C003P003R001A001', [[], [], []])
    with pytest.raises(InputFormatError, match='no body'):
        process(path)


def test_length_threshold_boundary():
    def track(body_id: str, frames: int) -> BodyTrack:
        return BodyTrack(body_id, 0, np.zeros((frames, 25, 3), np.float32))

    kept = denoise_by_length([track('a', 11), track('b', 12)])
    assert [t.body_id for t in kept] == ['b']


def spread_track(body_id: str, noisy: int, total: int = 20) -> BodyTrack:
    """Clean frames upright(0.1 t), t = 0..total-noisy-1, then ``noisy`` wide frames."""
    clean = [upright(0.1 * t) for t in range(total - noisy)]
    joints = np.stack(clean + [wide(5.0 * t) for t in range(noisy)]).astype(np.float32)
    return BodyTrack(body_id, 0, joints, motion=float(track_motion(joints)))


def test_spread_ratio_threshold_and_motion_update():
    assert noisy_frames_by_spread(np.stack([upright(0), wide(0)]).astype(np.float32)).tolist() == [
        False,
        True,
    ]
    kept = denoise_by_spread([spread_track('a', 14), spread_track('b', 13), spread_track('c', 0)])
    # a: 14/20 = 0.70 >= 0.69754 dropped; b: 13/20 = 0.65 kept, motion over its 7 clean
    # frames = 0.0002 + 0.01 * var(0..6) + 0.13 = 0.0002 + 0.04 + 0.13
    assert [t.body_id for t in kept] == ['b', 'c']
    assert kept[0].motion == pytest.approx(0.1702, abs=1e-6)


def test_spread_never_drops_the_last_body():
    kept = denoise_by_spread([spread_track('a', 20), spread_track('b', 20)])
    assert [t.body_id for t in kept] == ['b']


def test_touching_intervals_do_not_overlap():
    first = BodyTrack('x', 0, np.ones((15, 25, 3), np.float32), motion=2.0)
    second = BodyTrack('y', 14, np.full((16, 25, 3), 2, np.float32), motion=1.0)
    actors = assemble_actors([first, second], 30)
    # the official test min(end) - max(start) <= 0 lets 'y' share frame 14 and overwrite it
    assert actors[13, 0, 0, 0] == 1 and actors[14, 0, 0, 0] == 2 and actors[29, 0, 0, 0] == 2
    assert not actors[:, 1].any()
