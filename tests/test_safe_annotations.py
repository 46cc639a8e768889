"""Safe annotation loading, clear errors and the pre-flight check of SafePoseDataset."""

import os
import pickle
from pathlib import Path

import mmengine
import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets import SafePoseDataset
from mmaction_mamp.datasets.clip_checks import ClipRequirements, bad_clips, summarize_clips
from mmaction_mamp.datasets.safe_pickle import RefusedPickleGlobal, load_annotation_pickle
from mmaction_mamp.preparation.synthetic import dump_synthetic_pose_pickle
from mmaction_mamp.utils.errors import AnnotationFileError, DataCheckError

REQUIREMENTS = dict(num_joints=25, num_coords=3, min_valid_frames=4, num_classes=10)


class Payload:
    """Pickles as a call that creates a marker file (a stand-in for malicious code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def clip(frames: int = 20, persons: int = 1, joints: int = 25, value: float = 1.0) -> np.ndarray:
    keypoint = np.random.default_rng(frames).normal(size=(persons, frames, joints, 3)) + value
    return keypoint.astype(np.float32)


def write_annotations(path: Path, annotations: list, splits: dict = None) -> str:
    names = [a['frame_dir'] for a in annotations]
    content = dict(split=splits or dict(train=names), annotations=annotations)
    path.write_bytes(pickle.dumps(content))
    return str(path)


def annotation(name: str, label: int = 0, **kwargs) -> dict:
    keypoint = clip(**kwargs)
    return dict(frame_dir=name, label=label, total_frames=keypoint.shape[1], keypoint=keypoint)


def build(ann_file: str, split: str = 'train', **kwargs) -> SafePoseDataset:
    kwargs.setdefault('sample_requirements', REQUIREMENTS)
    return SafePoseDataset(ann_file=ann_file, pipeline=[], split=split, **kwargs)


# --- safe loading ----------------------------------------------------------------------------


def test_pickle_payload_never_runs(tmp_path):
    marker = tmp_path / 'payload_ran'
    ann_file = write_annotations(tmp_path / 'evil.pkl', [annotation('a')], dict(train=['a']))
    content = pickle.loads(Path(ann_file).read_bytes())
    content['annotations'][0]['label'] = Payload(marker)
    Path(ann_file).write_bytes(pickle.dumps(content))
    with pytest.raises(RefusedPickleGlobal) as error:
        build(ann_file)
    assert str(error.value).startswith(f'{ann_file}: refused to load global "pathlib.Path.touch";')
    assert not marker.exists()
    # the stock PoseDataset stays available (and would run it): an explicit choice
    assert DATASETS.get('PoseDataset') is not None


def test_unsafe_pickle_needs_explicit_opt_in(tmp_path):
    marker = tmp_path / 'trusted_code_ran'
    path = tmp_path / 'trusted.pkl'
    path.write_bytes(pickle.dumps([Payload(marker)]))
    with pytest.raises(RefusedPickleGlobal):
        load_annotation_pickle(path)
    assert not marker.exists()
    load_annotation_pickle(path, allow_unsafe_pickle=True)
    assert marker.exists()


@pytest.mark.parametrize('protocol', [2, 4, 5])
def test_valid_pickles_load(tmp_path, protocol):
    content = dict(
        split=dict(train=['a']),
        annotations=[
            dict(
                frame_dir='a',
                label=np.int64(3),
                total_frames=5,
                keypoint=np.arange(375, dtype=np.float32).reshape(1, 5, 25, 3),
                score=np.float16(0.5),
                extra=(1, 2.0, None, True, {'x'}, frozenset({1}), b'raw', bytearray(b'ba')),
            )
        ],
    )
    path = tmp_path / f'p{protocol}.pkl'
    path.write_bytes(pickle.dumps(content, protocol=protocol))
    loaded = load_annotation_pickle(path)
    item = loaded['annotations'][0]
    assert item['label'] == 3 and isinstance(item['label'], np.int64)
    np.testing.assert_array_equal(item['keypoint'], content['annotations'][0]['keypoint'])
    assert item['extra'] == content['annotations'][0]['extra']


def test_project_and_mmengine_pickles_load(tmp_path):
    ours = tmp_path / 'ours.pkl'
    data = dump_synthetic_pose_pickle(ours, num_train_per_class=2, num_val_per_class=1)
    dataset = build(str(ours), split='val')
    assert len(dataset) == 10
    np.testing.assert_array_equal(
        dataset.get_data_info(0)['keypoint'], data['annotations'][20]['keypoint']
    )
    theirs = tmp_path / 'mmengine.pkl'
    mmengine.dump(dict(split=dict(train=['a']), annotations=[annotation('a')]), str(theirs))
    assert len(build(str(theirs))) == 1


# --- clear errors ----------------------------------------------------------------------------


def test_missing_split_lists_the_splits_present(tmp_path):
    ann_file = write_annotations(
        tmp_path / 'a.pkl', [annotation('a')], dict(xsub_train=['a'], xsub_val=[])
    )
    with pytest.raises(ValueError) as error:
        build(ann_file, split='xview_train')
    assert str(error.value) == (
        f"{ann_file}: split 'xview_train' not found; splits present: ['xsub_train', 'xsub_val']"
    )


def test_empty_annotation_list(tmp_path):
    ann_file = write_annotations(tmp_path / 'empty.pkl', [], dict(train=[]))
    with pytest.raises(ValueError, match=f'^{ann_file}: the annotation list is empty$'):
        build(ann_file)
    ann_file = write_annotations(tmp_path / 'empty_split.pkl', [annotation('a')], dict(train=[]))
    with pytest.raises(ValueError, match=r"split 'train' is empty \(0 names listed\)"):
        build(ann_file)


@pytest.mark.parametrize('content', [b'', b'garbage that is not a pickle', 'truncated'])
def test_unreadable_pickle_names_the_file(tmp_path, content):
    path = tmp_path / 'broken.pkl'
    if content == 'truncated':
        content = pickle.dumps(dict(split=dict(train=['a']), annotations=[annotation('a')]))
        content = content[: len(content) // 2]
    path.write_bytes(content)
    with pytest.raises(ValueError) as error:
        build(str(path))
    message = str(error.value)
    assert message.startswith(f'{path}: not a readable annotation pickle (empty, truncated or')


def test_missing_annotation_file_or_a_directory_is_named(tmp_path):
    with pytest.raises(AnnotationFileError, match='annotation file .*nowhere.pkl not found; see'):
        build(str(tmp_path / 'nowhere.pkl'))
    with pytest.raises(AnnotationFileError, match=f'annotation file {tmp_path} is a directory'):
        build(str(tmp_path))


def test_unlabelled_clips_pack_without_a_label(tmp_path):
    """Pre-training data may carry ``label=None``; the clip keeps no label key."""
    ann_file = write_annotations(tmp_path / 'a.pkl', [annotation('a', None), annotation('b')])
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = SafePoseDataset(
            ann_file=ann_file, split='train', pipeline=[dict(type='PackActionInputs')]
        )
    assert 'gt_label' not in dataset[0]['data_samples']
    assert int(dataset[1]['data_samples'].gt_label) == 0


def _pickle(*opcodes: bytes) -> bytes:
    return b'\x80\x02' + b''.join(opcodes) + b'.'


BIG = pickle.dumps(5_150_000_000, protocol=2)[2:-1]  # the int's opcode


@pytest.mark.parametrize(
    'data,refusal',
    [
        (_pickle(b'c__builtin__\nbytearray\n', BIG, b'\x85R'), 'refused __builtin__.bytearray'),
        (
            _pickle(
                b'cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n',
                BIG, b'\x85', pickle.dumps(b'b', protocol=2)[2:-1], b'\x87R',
            ),
            'refused numpy.core.multiarray._reconstruct',
        ),
        (b'\x80\x04\x8e' + (5_150_000_000).to_bytes(8, 'little') + b'xyz.', 'not a readable'),
    ],
)  # fmt: skip
def test_a_small_pickle_cannot_allocate_gigabytes(tmp_path, data, refusal):
    path = tmp_path / 'bomb.pkl'
    path.write_bytes(data)
    assert len(data) < 120
    with pytest.raises((RefusedPickleGlobal, ValueError), match=refusal):
        load_annotation_pickle(path)


class Declared:
    """Pickles as ``numpy.ndarray(shape, float32)``: memory the file does not hold."""

    def __init__(self, shape) -> None:
        self.shape = shape

    def __reduce__(self):
        return (np.ndarray, (self.shape, np.dtype('f4')))


class ObjectArrayState:
    """Pickles as an empty array given an object-dtype state (numpy 2.x crashes on it)."""

    def __reduce__(self):
        reconstruct = np.ndarray.__reduce__(np.zeros(0))[0]
        return reconstruct, (np.ndarray, (0,), b'b'), (1, (100,), np.dtype('O'), False, [1])


def test_declared_arrays_are_bounded_by_the_file_size(tmp_path):
    """A 200-byte annotation pickle used to allocate 2.4 GB (2.8 GB peak RSS on load)."""
    path = tmp_path / 'declared.pkl'
    content = dict(split=dict(train=['a']), annotations=[dict(frame_dir='a', keypoint=None)])
    content['annotations'][0]['keypoint'] = Declared((1, 8_000_000, 25, 3))
    path.write_bytes(pickle.dumps(content, protocol=4))
    assert path.stat().st_size < 250
    with pytest.raises(RefusedPickleGlobal, match=r'would allocate 2400000000 bytes, more than'):
        build(str(path))
    # many small declarations add up: 2.6 MB of data cannot declare 3 GB between them
    filler = np.random.default_rng(0).random(320_000)  # 2.56 MB of real data
    content['annotations'][0]['keypoint'] = [filler] + [Declared((250_000,)) for _ in range(3000)]
    path.write_bytes(pickle.dumps(content, protocol=4))
    with pytest.raises(RefusedPickleGlobal, match='more than the file holds'):
        load_annotation_pickle(path)
    # a declaration the file covers is fine (numpy.ndarray pickled by hand, not numpy)
    content['annotations'][0]['keypoint'] = [filler, Declared((2, 3))]
    path.write_bytes(pickle.dumps(content, protocol=4))
    assert load_annotation_pickle(path)['annotations'][0]['keypoint'][1].shape == (2, 3)


def test_object_arrays_are_refused(tmp_path):
    path = tmp_path / 'objects.pkl'
    path.write_bytes(pickle.dumps([ObjectArrayState()], protocol=2))
    with pytest.raises(RefusedPickleGlobal, match='numpy object arrays are not annotation data'):
        load_annotation_pickle(path)


def test_label_out_of_range_names_sample_and_class_count(tmp_path):
    ann_file = write_annotations(tmp_path / 'a.pkl', [annotation('ok', 9), annotation('big', 10)])
    with pytest.raises(ValueError) as error:
        build(ann_file)
    assert str(error.value).splitlines()[:2] == [
        f"1 bad sample(s) in {ann_file} (split 'train'):",
        '  big: label 10 out of range for 10 classes',
    ]


# --- pre-flight check ------------------------------------------------------------------------


def bad_annotations() -> list:
    nan = annotation('nan_clip')
    nan['keypoint'][0, 7, 3, 1] = np.nan
    inf = annotation('inf_clip')
    inf['keypoint'][0, 2:4, 0, 0] = np.inf
    short = annotation('short_clip')
    short['keypoint'][:, 3:] = 0  # 3 valid frames < 4
    flat = annotation('flat_clip')
    flat['keypoint'] = flat['keypoint'][0]
    return [
        nan,
        annotation('ok_1'),
        inf,
        short,
        annotation('joints_clip', joints=17),
        flat,
        annotation('two_person_ok', persons=2),
        dict(frame_dir='no_keypoint', label=0),
    ]


EXPECTED_REASONS = [
    ('nan_clip', 'non-finite coordinates in 1 frame(s), first frame 7'),
    ('inf_clip', 'non-finite coordinates in 2 frame(s), first frame 2'),
    ('short_clip', '3 valid (non-zero) frame(s), fewer than the 4 one token needs'),
    ('joints_clip', '17 joints, the model expects 25'),
    ('flat_clip', 'keypoint must be (M, T, V, C), got shape (20, 25, 3)'),
    ('no_keypoint', 'no "keypoint" array'),
]


def find_bad_samples(data_list, requirements, num_threads=None):
    return bad_clips(summarize_clips(data_list, num_threads), requirements)


def test_find_bad_samples_lists_every_bad_clip_with_reason():
    found = find_bad_samples(bad_annotations(), ClipRequirements(**REQUIREMENTS))
    assert [(b.name, b.reason) for b in found] == EXPECTED_REASONS
    assert [b.position for b in found] == [0, 2, 3, 4, 5, 7]


def test_vectorised_check_matches_a_per_clip_check():
    rng = np.random.default_rng(0)
    data_list = []
    for i in range(300):
        keypoint = rng.normal(size=(int(rng.integers(1, 3)), int(rng.integers(1, 40)), 25, 3))
        keypoint[:, rng.integers(0, keypoint.shape[1]) :] *= rng.integers(0, 2)  # zero tails
        if rng.random() < 0.1:
            keypoint[tuple(rng.integers(0, s) for s in keypoint.shape)] = np.nan
        data_list.append(dict(frame_dir=f'c{i}', keypoint=keypoint.astype(np.float32)))

    def per_clip(keypoint):
        if not np.isfinite(keypoint).all():
            return 'non-finite'
        if np.count_nonzero(keypoint.sum(axis=(0, 2, 3)) != 0) < 4:
            return 'few'
        return None

    expected = {f'c{i}': per_clip(a['keypoint']) for i, a in enumerate(data_list)}
    requirements = ClipRequirements(num_joints=25, num_coords=3, min_valid_frames=4)
    found = {b.name: b.reason for b in find_bad_samples(data_list, requirements, num_threads=2)}
    assert set(found) == {name for name, reason in expected.items() if reason}
    for name, reason in found.items():
        category = 'non-finite' if reason.startswith('non-finite') else 'few'
        assert category == expected[name]
    assert any(r == 'non-finite' for r in expected.values())
    assert any(r == 'few' for r in expected.values())


def test_preflight_stops_with_every_bad_clip(tmp_path):
    ann_file = write_annotations(tmp_path / 'a.pkl', bad_annotations())
    with pytest.raises(ValueError) as error:
        build(ann_file)
    lines = str(error.value).splitlines()
    assert lines[0] == f"6 bad sample(s) in {ann_file} (split 'train'):"
    assert lines[1:7] == [f'  {name}: {reason}' for name, reason in EXPECTED_REASONS]
    assert 'train_dataloader.dataset.skip_bad_samples=True' in lines[-1]


def test_skip_mode_writes_the_list_and_keeps_the_rest(tmp_path):
    ann_file = write_annotations(tmp_path / 'a.pkl', bad_annotations())
    report = tmp_path / 'work' / 'bad_samples_train_dataloader.tsv'
    dataset = build(ann_file, skip_bad_samples=True, bad_sample_file=str(report))
    assert [dataset.get_data_info(i)['frame_dir'] for i in range(len(dataset))] == [
        'ok_1',
        'two_person_ok',
    ]
    assert report.read_text().splitlines() == [f'{n}\t{r}' for n, r in EXPECTED_REASONS]
    assert not [p for p in report.parent.iterdir() if p.name.endswith('.tmp')]
    os.remove(report)


def every_reason() -> dict:
    """name -> (annotation, reason): one clip for each reason a clip can be bad."""
    nan, inf, short, flat, score = (annotation(n) for n in ('nan', 'inf', 'short', 'flat', 'score'))
    nan['keypoint'][0, 7, 3, 1] = np.nan
    inf['keypoint'][0, 2:4, 0, 0] = np.inf
    short['keypoint'][:, 3:] = 0
    flat['keypoint'] = flat['keypoint'][0]
    score['keypoint_score'] = np.full((1, 20, 25), np.nan, np.float32)
    coords = annotation('coords')
    coords['keypoint'] = coords['keypoint'][..., :2].copy()
    overflow = annotation('overflow', value=0.0)
    overflow['keypoint'][0, 5] = 3e38
    return dict(
        nan=(nan, 'non-finite coordinates in 1 frame(s), first frame 7'),
        inf=(inf, 'non-finite coordinates in 2 frame(s), first frame 2'),
        overflow=(
            overflow,
            'coordinates beyond ±1e+06 in 1 frame(s), first frame 5 (a transform or the model '
            'would overflow to inf)',
        ),
        short=(short, '3 valid (non-zero) frame(s), fewer than the 4 one token needs'),
        joints=(annotation('joints', joints=17), '17 joints, the model expects 25'),
        coords=(coords, '2 coordinates per joint, the model expects 3'),
        flat=(flat, 'keypoint must be (M, T, V, C), got shape (20, 25, 3)'),
        no_keypoint=(dict(frame_dir='no_keypoint', label=0), 'no "keypoint" array'),
        no_person=(
            dict(frame_dir='no_person', label=0, keypoint=np.zeros((0, 20, 25, 3), np.float32)),
            'keypoint has no person ((0, 20, 25, 3))',
        ),
        score=(score, 'keypoint_score holds non-finite values'),
        text_label=(
            annotation('text_label', label='walk'),
            "label 'walk' is not an integer class index",
        ),
        negative=(annotation('negative', label=-1), 'label -1 is negative'),
        too_big=(annotation('too_big', label=10), 'label 10 out of range for 10 classes'),
    )


def test_skip_mode_covers_every_reason(tmp_path):
    """Nothing stated but the class count: the joint layout is the one most clips have."""
    bad = every_reason()
    good = [annotation(f'ok_{i}', label=i) for i in range(3)]
    ann_file = write_annotations(tmp_path / 'a.pkl', good + [a for a, _ in bad.values()])
    pipeline = [dict(type='ValidCropResize', clip_len=8)]
    with DefaultScope.overwrite_default_scope('mmaction'):
        with pytest.raises(DataCheckError) as error:
            SafePoseDataset(ann_file=ann_file, split='train', pipeline=pipeline, num_classes=10)
        listed = str(error.value).splitlines()[1:-1]
        assert listed == [f'  {name}: {reason}' for name, (_, reason) in bad.items()]
        skip_list = tmp_path / 'skipped.tsv'
        dataset = SafePoseDataset(
            ann_file=ann_file,
            split='train',
            pipeline=pipeline,
            num_classes=10,
            skip_bad_samples=True,
            bad_sample_file=str(skip_list),
        )
        assert [dataset.get_data_info(i)['frame_dir'] for i in range(len(dataset))] == [
            'ok_0', 'ok_1', 'ok_2'
        ]  # fmt: skip
        assert skip_list.read_text().splitlines() == [
            f'{name}\t{reason}' for name, (_, reason) in bad.items()
        ]
        assert all(np.isfinite(dataset[i]['keypoint']).all() for i in range(3))
