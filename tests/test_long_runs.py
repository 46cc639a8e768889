"""Reproducible per-sample randomness, atomic checkpoints, resume fallback, work-dir lock."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import DefaultSampler
from mmengine.fileio import get_file_backend
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope
from mmengine.structures import BaseDataElement

from mmaction_mamp.datasets import SampleKey, SeededSampler, SyntheticSkeletonDataset
from mmaction_mamp.engine.runs import (
    WorkDirLock,
    WorkDirLocked,
    newest_readable_checkpoint,
    sample_requirements,
)
from mmaction_mamp.models.selfsup.mamp import MAMP
from mmaction_mamp.utils import atomic_file

PIPELINE = [
    dict(type='ValidCropResize', clip_len=32, p_interval=(0.5, 1.0), min_crop_len=16),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]


@pytest.fixture(scope='module')
def dataset():
    with DefaultScope.overwrite_default_scope('mmaction'):
        return SyntheticSkeletonDataset(pipeline=PIPELINE, num_per_class=2)


@pytest.fixture
def captured_log():
    """Messages logged through mmengine's current logger during the test."""
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)


# --- per-sample randomness -------------------------------------------------------------------


def test_seeded_sampler_keeps_default_sampler_order(dataset):
    seeded, default = SeededSampler(dataset, seed=7), DefaultSampler(dataset, seed=7)
    for epoch in (0, 3):
        seeded.set_epoch(epoch)
        default.set_epoch(epoch)
        keys = list(seeded)
        assert [k.index for k in keys] == list(default)
        assert {(k.seed, k.epoch) for k in keys} == {(7, epoch)}


def test_seeded_sampler_refuses_a_dataset_without_keys():
    with pytest.raises(TypeError, match='SeededSampler needs a dataset that accepts SampleKey'):
        SeededSampler(list(range(4)), seed=0)


def test_sample_depends_only_on_seed_epoch_and_index(dataset):
    def draw(key):
        packed = dataset[key]
        return packed['inputs'].numpy(), packed['data_samples'].mask, packed['data_samples']

    np.random.seed(1)
    inputs, mask, sample = draw(SampleKey(0, 2, 5))
    np.random.seed(2)  # the global state plays no part
    dataset[SampleKey(0, 2, 6)]  # nor what was drawn before
    inputs_again, mask_again, sample_again = draw(SampleKey(0, 2, 5))
    np.testing.assert_array_equal(inputs, inputs_again)
    np.testing.assert_array_equal(mask, mask_again)
    assert sample.sample_seed == sample_again.sample_seed == SampleKey(0, 2, 5).model_seed()
    for other in (SampleKey(0, 3, 5), SampleKey(1, 2, 5)):
        assert not np.array_equal(draw(other)[0], inputs)


def test_model_mask_sampler_is_seeded_by_the_samples():
    model = MAMP(
        backbone=dict(type='MAMPTransformer', embed_dims=16, depth=1, num_heads=2, num_frames=16),
        head=dict(
            type='MAMPMotionHead',
            embed_dims=16,
            decoder_embed_dims=16,
            decoder_depth=1,
            decoder_num_heads=2,
            num_frames=16,
        ),
        mask_ratio=0.9,
        tau=0.8,
    )
    x = torch.randn(4, 16, 25, 3)  # 2 samples x 2 persons

    def masks(seeds):
        return model.masks_for(x, [BaseDataElement(metainfo=dict(sample_seed=s)) for s in seeds])

    first = masks([11, 12])
    torch.manual_seed(123)  # the global state plays no part
    assert torch.equal(first, masks([11, 12]))
    assert not torch.equal(first, masks([11, 13]))
    assert first.shape == (4, 100) and (first.sum(1) == 100 - 9).all()  # int(100 * 0.1) = 9
    assert MAMP.mask_generator([BaseDataElement()], x.device) is None  # unseeded: global state


# --- atomic checkpoints ----------------------------------------------------------------------


def test_atomic_backend_writes_whole_files(tmp_path):
    backend = get_file_backend(str(tmp_path), backend_args=dict(backend='atomic_local'))
    target = tmp_path / 'sub' / 'epoch_1.pth'
    backend.put(b'x' * 1000, str(target))
    backend.put_text('last', str(tmp_path / 'last_checkpoint'))
    assert target.read_bytes() == b'x' * 1000
    assert (tmp_path / 'last_checkpoint').read_text() == 'last'
    assert sorted(p.name for p in target.parent.iterdir()) == ['epoch_1.pth']


def test_full_disk_leaves_no_partial_checkpoint(tmp_path):
    """A write that fails for lack of space (file-size limit) leaves nothing behind."""
    module = Path(atomic_file.__file__)
    script = f"""
import importlib.util, resource, signal
spec = importlib.util.spec_from_file_location('atomic_file', {str(module)!r})
atomic_file = importlib.util.module_from_spec(spec)
spec.loader.exec_module(atomic_file)  # just this module: no package import in the child
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    atomic_file.atomic_write_bytes({str(tmp_path / 'iter_2.pth')!r}, b'x' * 100000)
except OSError as exc:
    print('failed:', exc.errno)
"""
    proc = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True)
    assert proc.stdout.startswith('failed: 27'), proc.stdout + proc.stderr  # EFBIG
    assert list(tmp_path.iterdir()) == []


# --- resume fallback -------------------------------------------------------------------------


def save(path, epoch):
    torch.save(dict(meta=dict(epoch=epoch), state_dict=dict(w=torch.ones(3))), path)


def test_resume_skips_truncated_and_empty_newest_checkpoints(tmp_path, captured_log):
    for epoch in (1, 2, 3):
        save(tmp_path / f'epoch_{epoch}.pth', epoch)
    data = (tmp_path / 'epoch_3.pth').read_bytes()
    (tmp_path / 'epoch_3.pth').write_bytes(data[: len(data) // 2])  # truncated
    (tmp_path / 'epoch_2.pth').write_bytes(b'')  # 0 bytes
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    assert newest_readable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_1.pth')
    skipped = [m for m in captured_log if m.startswith('Resume: skipped')]
    assert skipped[0].startswith(f'Resume: skipped {tmp_path}/epoch_3.pth: truncated or corrupt')
    assert skipped[1] == f'Resume: skipped {tmp_path}/epoch_2.pth: empty file (0 bytes)'
    assert f'Resume: using {tmp_path}/epoch_1.pth' in captured_log


def test_resume_skips_a_missing_last_checkpoint_target(tmp_path, captured_log):
    save(tmp_path / 'epoch_1.pth', 1)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    assert newest_readable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_1.pth')
    assert (
        f'Resume: skipped {tmp_path}/epoch_2.pth: named by last_checkpoint but missing'
        in captured_log
    )


def test_resume_without_any_readable_checkpoint_stops(tmp_path):
    assert newest_readable_checkpoint(str(tmp_path)) is None  # fresh work dir: start anew
    (tmp_path / 'epoch_1.pth').write_bytes(b'garbage')
    with pytest.raises(RuntimeError, match=r'--resume: no readable checkpoint in .*\n  .*epoch_1'):
        newest_readable_checkpoint(str(tmp_path))


# --- work-dir lock ---------------------------------------------------------------------------


def test_live_lock_refuses_a_second_run(tmp_path):
    with WorkDirLock(str(tmp_path)):
        holder = json.loads((tmp_path / 'train.lock').read_text())
        assert holder['pid'] == os.getpid() and holder['host'] == socket.gethostname()
        with pytest.raises(WorkDirLocked) as error:
            WorkDirLock(str(tmp_path)).acquire()
        started = time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(holder['started']))
        assert f'is in use by another run (pid {os.getpid()} on host ' in str(error.value)
        assert f'{socket.gethostname()}, started {started})' in str(error.value)
    assert not (tmp_path / 'train.lock').exists()


def test_stale_lock_is_taken_over_with_a_warning(tmp_path, captured_log):
    dead = subprocess.Popen([sys.executable, '-c', 'pass'])
    dead.wait()
    stale = dict(pid=dead.pid, host=socket.gethostname(), started=time.time() - 60)
    (tmp_path / 'train.lock').write_text(json.dumps(stale))
    with WorkDirLock(str(tmp_path)):
        assert json.loads((tmp_path / 'train.lock').read_text())['pid'] == os.getpid()
    assert any(
        m.startswith(f'Taking over the stale lock {tmp_path}/train.lock (pid {dead.pid}')
        for m in captured_log
    )


def test_lock_of_another_host_is_never_taken_over(tmp_path):
    other = dict(pid=1, host='elsewhere.invalid', started=time.time())
    (tmp_path / 'train.lock').write_text(json.dumps(other))
    with pytest.raises(WorkDirLocked, match='pid 1 on host elsewhere.invalid'):
        WorkDirLock(str(tmp_path)).acquire()


# --- pre-flight requirements from the config -------------------------------------------------


def test_requirements_follow_model_and_pipeline(repo_root):
    pretrain = Config.fromfile(repo_root / 'configs/mamp_pretrain_ntu60.py')
    assert sample_requirements(pretrain, pretrain.train_dataloader.dataset.pipeline) == dict(
        num_joints=25, num_coords=3, min_valid_frames=4, num_classes=None
    )
    linear = Config.fromfile(repo_root / 'configs/linear/mamp_linear_ntu120_xsub.py')
    assert sample_requirements(linear, linear.val_dataloader.dataset.pipeline) == dict(
        num_joints=25, num_coords=3, min_valid_frames=4, num_classes=120
    )
