"""NTU RGB+D ``.skeleton`` files -> the sample the official MAMP data scripts produce.

One function per step of the official data scripts (the CTR-GCN scripts
``get_raw_skes_data.py``, ``get_raw_denoised_data.py`` and
``seq_transformation.py`` that MAMP uses), pure numpy:

1. :func:`read_skeleton_file` - parse the text format, drop frames without
   bodies, stack every bodyID's joints over the frames it appears in.
2. :func:`track_motion` - a body's motion (variance sum).
3. :func:`denoise_by_length`, :func:`denoise_by_spread`,
   :func:`sort_by_motion` (all in :func:`denoise_tracks`) - only when the
   file has more than one bodyID.
4. :func:`assemble_actors` - two actor tracks from the ranked bodies.
5. :func:`cut_empty_frames` - drop frames where both actors are zero.
6. :func:`translate_to_origin` - subtract actor 1's first spine-middle joint.

:func:`process_recording` chains them exactly as the official scripts do and
returns the keypoint array of the annotation pickle, (M=2, T, V=25, C=3)
float32 with T the kept frames. The official pipeline then zero-pads T to 300
frames; the MAMP crop only reads the valid (non-zero) frames, which are this
array's T frames, so storing them unpadded gives the model the same input.
"""

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Set, Tuple

import numpy as np

from .records import InputFormatError, PathLike

NUM_JOINTS = 25
BODY_INFO_VALUES = (
    10  # bodyID clippedEdges handLeft(conf, state) handRight(..) restricted leanX leanY tracking
)
JOINT_VALUES = 12  # x y z depthX depthY colorX colorY orientW orientX orientY orientZ trackingState
SPINE_MIDDLE = 1  # joint 2 of the Kinect v2 layout, the origin of the translation
MAX_SHORT_TRACK = 11  # denoising by length: tracks seen in <= 11 frames are noise
SPREAD_RATIO = 0.8  # a frame is noisy when x-spread > 0.8 * y-spread
NOISY_FRAME_RATIO = 0.69754  # drop a body whose noisy-frame ratio reaches this


@dataclass(frozen=True)
class BodyTrack:
    """One bodyID of a recording.

    Args:
        body_id: The bodyID string of the file.
        start: Index (among frames with a body) of its first frame; as in the
            official scripts its frames are assumed contiguous from there.
        joints: (n, 25, 3) float32 x y z in the frames it appears in.
        motion: Variance sum (see :func:`track_motion`); NaN until computed.
    """

    body_id: str
    start: int
    joints: np.ndarray
    motion: float = float('nan')

    def __len__(self) -> int:
        return len(self.joints)

    @property
    def end(self) -> int:
        """Last frame index, inclusive."""
        return self.start + len(self.joints) - 1


@dataclass(frozen=True)
class SkeletonRecording:
    """A parsed ``.skeleton`` file.

    Args:
        path: The source file.
        num_frames: Frames holding at least one body (the others are dropped).
        tracks: Bodies in order of first appearance.
    """

    path: str
    num_frames: int
    tracks: Tuple[BodyTrack, ...]


class _LineReader:
    """Sequential access to the lines of one file, with located errors."""

    def __init__(self, path: PathLike, text: str) -> None:
        self.path = str(path)
        self.lines = text.splitlines()
        self.next_index = 0  # 0-based index of the next unread line

    def error(self, index: int, category: str, detail: str) -> InputFormatError:
        """Error located at the 0-based line ``index``."""
        return InputFormatError(self.path, index + 1, category, detail)

    def ensure(self, count: int, what: str) -> None:
        """Raise a truncation error unless ``count`` more lines exist."""
        if self.next_index + count > len(self.lines):
            last = max(len(self.lines), 1)
            raise InputFormatError(
                self.path, last, 'truncated file', f'file ends here while reading {what}'
            )

    def take(self, what: str) -> Tuple[int, str]:
        """Next line and its 0-based index."""
        self.ensure(1, what)
        index = self.next_index
        self.next_index += 1
        return index, self.lines[index]

    def take_count(self, what: str) -> Tuple[int, int]:
        """Next line parsed as a non-negative integer, and its index."""
        index, line = self.take(what)
        try:
            value = int(line.strip())
        except ValueError:
            raise self.error(
                index, 'malformed line', f'expected {what} (an integer), got {line.strip()!r}'
            ) from None
        if value < 0:
            raise self.error(index, 'malformed line', f'{what} is negative ({value})')
        return index, value

    def skip(self, count: int, what: str) -> int:
        """Skip ``count`` lines; returns the index of the first."""
        self.ensure(count, what)
        first = self.next_index
        self.next_index += count
        return first

    def check_consumed(self, num_frames: int) -> None:
        """Reject non-blank lines after the last declared frame."""
        for index in range(self.next_index, len(self.lines)):
            if self.lines[index].strip():
                raise self.error(
                    index,
                    'trailing data',
                    f'unexpected content after the {num_frames} frames declared on line 1',
                )


@dataclass(frozen=True)
class _BodyBlock:
    body_id: str
    frame: int  # index among frames with a body
    joints_index: int  # 0-based line of the first of its 25 joint lines


def _scan_structure(reader: _LineReader) -> Tuple[int, List[_BodyBlock]]:
    """Walk the frame/body/joint-count structure, leaving joint lines unparsed.

    Returns:
        The number of frames with at least one body, and one block per body
        per frame in file order.
    """
    _, declared = reader.take_count('the frame count')
    if declared == 0:
        raise reader.error(0, 'empty sequence', 'the frame count is 0')
    blocks: List[_BodyBlock] = []
    kept_frames = 0
    for frame in range(declared):
        _, num_bodies = reader.take_count(f'the body count of frame {frame + 1}/{declared}')
        if num_bodies == 0:
            continue
        seen: Set[str] = set()
        for body in range(num_bodies):
            where = f'body {body + 1}/{num_bodies} of frame {frame + 1}/{declared}'
            header_index, header = reader.take(f'the info line of {where}')
            values = header.split()
            if len(values) != BODY_INFO_VALUES:
                raise reader.error(
                    header_index,
                    'malformed line',
                    f'the info line of {where} has {len(values)} values, '
                    f'expected {BODY_INFO_VALUES} starting with the bodyID',
                )
            if values[0] in seen:
                raise reader.error(
                    header_index,
                    'duplicate body',
                    f'bodyID {values[0]} appears twice in frame {frame + 1}/{declared}',
                )
            seen.add(values[0])
            count_index, num_joints = reader.take_count(f'the joint count of {where}')
            if num_joints != NUM_JOINTS:
                raise reader.error(
                    count_index,
                    'wrong joint count',
                    f'{where} has {num_joints} joints, expected {NUM_JOINTS}',
                )
            joints_index = reader.skip(NUM_JOINTS, f'the {NUM_JOINTS} joint lines of {where}')
            blocks.append(_BodyBlock(values[0], kept_frames, joints_index))
        kept_frames += 1
    reader.check_consumed(declared)
    return kept_frames, blocks


def _locate_bad_joint_line(reader: _LineReader, blocks: List[_BodyBlock]) -> InputFormatError:
    """The error for the first joint line without 12 values or with a non-numeric x y z."""
    for block in blocks:
        for index in range(block.joints_index, block.joints_index + NUM_JOINTS):
            values = reader.lines[index].split()
            if len(values) != JOINT_VALUES:
                return reader.error(
                    index,
                    'malformed line',
                    f'joint line has {len(values)} values, expected {JOINT_VALUES}',
                )
            try:
                [float(value) for value in values[:3]]
            except ValueError:
                return reader.error(index, 'malformed line', f'non-numeric x y z in {values[:3]}')
    raise AssertionError('no malformed joint line found')  # callers only call on a failure


def _parse_joints(reader: _LineReader, blocks: List[_BodyBlock]) -> np.ndarray:
    """x y z of every body block (the other 9 values of a joint line are unused).

    Returns:
        (num_blocks, 25, 3) float32 (parsed as float64, then rounded: the
        same values as the official ``np.array(values, dtype=np.float32)``).
    """
    lines = reader.lines
    tokens = ' '.join(
        ' '.join(lines[block.joints_index : block.joints_index + NUM_JOINTS]) for block in blocks
    ).split()
    if len(tokens) != len(blocks) * NUM_JOINTS * JOINT_VALUES:
        raise _locate_bad_joint_line(reader, blocks)
    columns = [tokens[axis::JOINT_VALUES] for axis in range(3)]  # x, y, z of every joint line
    try:
        values = np.array([list(map(float, column)) for column in columns])  # (3, rows)
    except ValueError:
        raise _locate_bad_joint_line(reader, blocks) from None
    xyz = values.T.reshape(len(blocks), NUM_JOINTS, 3).astype(np.float32)
    bad = ~np.isfinite(xyz).all(axis=2)
    if bad.any():
        block, joint = np.argwhere(bad)[0]
        raise reader.error(
            blocks[block].joints_index + int(joint),
            'non-finite coordinate',
            f'x y z = {xyz[block, joint].tolist()}',
        )
    return xyz


def _group_tracks(blocks: List[_BodyBlock], xyz: np.ndarray) -> Tuple[BodyTrack, ...]:
    """Stack each bodyID's joints over its frames, first-appearance order."""
    rows: Dict[str, List[int]] = {}
    for row, block in enumerate(blocks):
        rows.setdefault(block.body_id, []).append(row)
    return tuple(
        BodyTrack(body_id, blocks[indices[0]].frame, xyz[indices])
        for body_id, indices in rows.items()
    )


def read_skeleton_file(path: PathLike) -> SkeletonRecording:
    """Parse one NTU ``.skeleton`` file.

    Format: line 1 the frame count; per frame a body count; per body a line
    of 10 values starting with the bodyID, a joint-count line (25) and 25
    lines of 12 values, of which x y z are kept. Frames with no body are
    dropped and the remaining frames renumbered from 0.

    Raises:
        InputFormatError: naming the file and line for truncated files,
            wrong joint counts, malformed or non-finite values, an empty
            sequence (frame count 0) or content after the last frame.
    """
    try:
        text = Path(path).read_text(encoding='ascii')
    except UnicodeDecodeError as error:
        raise InputFormatError(path, None, 'not a text file', str(error)) from None
    reader = _LineReader(path, text)
    num_frames, blocks = _scan_structure(reader)
    if not blocks:
        return SkeletonRecording(str(path), 0, ())
    xyz = _parse_joints(reader, blocks)
    return SkeletonRecording(str(path), num_frames, _group_tracks(blocks, xyz))


def track_motion(joints: np.ndarray) -> float:
    """Motion of a body: sum over x, y, z of the variance over frames and joints.

    Args:
        joints: (n, 25, 3) float32.

    Returns:
        float32 scalar (computed in float32 like the official scripts).
    """
    return np.var(joints.reshape(-1, 3), axis=0).sum()


def denoise_by_length(tracks: List[BodyTrack]) -> List[BodyTrack]:
    """Drop bodies seen in at most 11 frames."""
    return [track for track in tracks if len(track) > MAX_SHORT_TRACK]


def noisy_frames_by_spread(joints: np.ndarray) -> np.ndarray:
    """Frames whose x-spread exceeds 0.8 times the y-spread.

    Args:
        joints: (n, 25, 3) float32.

    Returns:
        (n,) bool. Spreads are float32 differences compared in float64, as
        the official NumPy-1 code did (``0.8 * float32`` promoted to float64).
    """
    spread = joints.max(axis=1) - joints.min(axis=1)  # (n, 3) float32
    return spread[:, 0].astype(np.float64) > SPREAD_RATIO * spread[:, 1].astype(np.float64)


def denoise_by_spread(tracks: List[BodyTrack]) -> List[BodyTrack]:
    """Drop bodies that are mostly wider than tall, in file order.

    Bodies are visited in order while more than one remains. A body whose
    noisy-frame ratio is >= 0.69754 is dropped; otherwise, if it has noisy
    frames, its motion becomes min(motion, motion over the non-noisy frames).
    """
    kept = {track.body_id: track for track in tracks}
    for track in tracks:
        if len(kept) == 1:
            break
        noisy = noisy_frames_by_spread(track.joints)
        num_noisy = int(noisy.sum())
        if num_noisy == 0:
            continue
        if num_noisy / len(track) >= NOISY_FRAME_RATIO:
            del kept[track.body_id]
        else:
            clean_motion = track_motion(track.joints[~noisy])
            kept[track.body_id] = replace(track, motion=min(track.motion, clean_motion))
    return list(kept.values())


def sort_by_motion(tracks: List[BodyTrack]) -> List[BodyTrack]:
    """Bodies by decreasing motion (stable: ties keep file order)."""
    return sorted(tracks, key=lambda track: track.motion, reverse=True)


def denoise_tracks(tracks: Tuple[BodyTrack, ...]) -> List[BodyTrack]:
    """The official denoising of a file with more than one bodyID.

    Returns:
        Surviving bodies ranked for :func:`assemble_actors` (possibly empty
        when every body is too short).
    """
    ranked = [replace(track, motion=track_motion(track.joints)) for track in tracks]
    ranked = denoise_by_length(ranked)
    if len(ranked) > 1:
        ranked = denoise_by_spread(ranked)
    return sort_by_motion(ranked)


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """The official overlap test: intervals sharing one frame do NOT overlap."""
    return min(end, other_end) - max(start, other_start) > 0


def assemble_actors(tracks: List[BodyTrack], num_frames: int) -> np.ndarray:
    """Place ranked bodies on two actor tracks.

    Actor 1 starts as the first body; each next body joins actor 1 when its
    interval does not overlap actor 1's (which grows to the union), else
    actor 2 when it does not overlap actor 2's (initially [0, 0], so its
    start stays 0), else it is discarded. Later bodies overwrite a shared
    boundary frame.

    Args:
        tracks: Ranked bodies, at least one.
        num_frames: Frames of the recording.

    Returns:
        (num_frames, 2, 25, 3) float32, zero where an actor is absent.
    """
    actors = np.zeros((num_frames, 2, NUM_JOINTS, 3), dtype=np.float32)
    first = tracks[0]
    actors[first.start : first.end + 1, 0] = first.joints
    intervals = [[first.start, first.end], [0, 0]]
    for track in tracks[1:]:
        for actor, interval in enumerate(intervals):
            if not _overlaps(interval[0], interval[1], track.start, track.end):
                actors[track.start : track.end + 1, actor] = track.joints
                interval[0] = min(interval[0], track.start)
                interval[1] = max(interval[1], track.end)
                break
    return actors


def cut_empty_frames(actors: np.ndarray) -> np.ndarray:
    """Drop frames whose coordinate sum over both actors is zero.

    Args:
        actors: (T, 2, 25, 3) float32.

    Returns:
        (T', 2, 25, 3) float32.
    """
    return actors[actors.reshape(len(actors), -1).sum(axis=1) != 0]


def missing_actor_frames(actors: np.ndarray) -> np.ndarray:
    """Frames where an actor's coordinate sum is zero (the official test).

    Args:
        actors: (T, 2, 25, 3) float32.

    Returns:
        (T, 2) bool.
    """
    return actors.reshape(len(actors), 2, -1).sum(axis=2) == 0


def translate_to_origin(actors: np.ndarray, missing: np.ndarray, path: PathLike) -> np.ndarray:
    """Subtract actor 1's spine-middle joint of its first non-zero frame.

    Args:
        actors: (T, 2, 25, 3) float32.
        missing: (T, 2) bool, frames reset to zero after the subtraction.
        path: Source file, for the error message.

    Returns:
        (T, 2, 25, 3) float32.

    Raises:
        InputFormatError: ``'all-zero skeleton'`` when actor 1 is zero in
            every frame (the official script would index past the end).
    """
    present = np.flatnonzero(actors[:, 0].any(axis=(1, 2)))
    if present.size == 0:
        raise InputFormatError(path, None, 'all-zero skeleton', 'actor 1 is zero in every frame')
    translated = actors - actors[present[0], 0, SPINE_MIDDLE]
    translated[missing] = 0
    return translated


def process_recording(recording: SkeletonRecording) -> np.ndarray:
    """The official processing of one parsed file.

    A single-bodyID file is only translated (actor 2 stays zero; no frame is
    cut or reset for actor 1, as in the official one-body path). A file with
    several bodyIDs is denoised, assembled into two actors, its empty frames
    cut, translated, and the frames where an actor is missing reset to zero.

    Returns:
        (2, T, 25, 3) float32 keypoint, T the kept frames.

    Raises:
        InputFormatError: ``'no body'`` (an official missing-skeleton
            sample), ``'no body after denoising'`` or ``'all-zero skeleton'``.
    """
    path = recording.path
    if not recording.tracks:
        raise InputFormatError(path, None, 'no body', 'no frame contains a body')
    if len(recording.tracks) == 1:
        actors = assemble_actors(list(recording.tracks), recording.num_frames)
        missing = np.zeros((len(actors), 2), dtype=bool)
        missing[:, 1] = True
    else:
        ranked = denoise_tracks(recording.tracks)
        if not ranked:
            ids = ', '.join(track.body_id for track in recording.tracks)
            raise InputFormatError(
                path,
                None,
                'no body after denoising',
                f'every body ({ids}) is seen in <= {MAX_SHORT_TRACK} frames',
            )
        actors = cut_empty_frames(assemble_actors(ranked, recording.num_frames))
        missing = missing_actor_frames(actors)
    translated = translate_to_origin(actors, missing, path)
    return np.ascontiguousarray(translated.transpose(1, 0, 2, 3))
