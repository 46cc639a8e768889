"""Checkpoints: portable, atomic, read weights-only whatever torch says, resumed past damage."""

import json
import logging
import math
import os
import pickle
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.fileio import get_file_backend
from mmengine.logging import MessageHub, MMLogger
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.model import BaseModule
from mmengine.optim import OptimWrapper

from mmaction_mamp.engine.checkpoints import (
    from_portable,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    non_finite,
    require_classifier,
    require_fit,
)
from mmaction_mamp.engine.hooks import DivergenceGuardHook, SafeCheckpointHook
from mmaction_mamp.utils import atomic_file
from mmaction_mamp.utils.errors import CheckpointError, TrainingDiverged

REPO = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter in which `import mmaction_mamp` fails, as on a machine
# without the plugin; prints what torch.load(weights_only=True) returns.
_LOAD_WITHOUT_PLUGIN = textwrap.dedent(
    """
    import importlib.abc, json, sys

    class BlockPlugin(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split('.')[0] == 'mmaction_mamp':
                raise ImportError('mmaction_mamp is blocked in this process')

    sys.meta_path.insert(0, BlockPlugin())
    import torch

    checkpoint = torch.load(sys.argv[1], map_location='cpu', weights_only=True)
    loss = checkpoint['message_hub']['log_scalars']['train/loss']
    print(json.dumps(dict(
        keys=sorted(checkpoint),
        loss=loss['log_history'].tolist(),
        loaded_modules=sorted(m for m in sys.modules if m.startswith('mmaction_mamp')),
    )))
    """
)


def load_without_plugin(path: Path) -> dict:
    """What ``torch.load(weights_only=True)`` reads from ``path`` where the plugin is absent."""
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    proc = subprocess.run(
        [sys.executable, '-c', _LOAD_WITHOUT_PLUGIN, str(path)],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Payload:
    """Pickles as ``os.system('touch MARKER')``: code that would run when unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def hook_runner(**cfg) -> SimpleNamespace:
    """What the hook reads of a runner: its config (public ``runner.cfg``)."""
    return SimpleNamespace(cfg=Config(dict(dict(load_from=None, resume=False), **cfg)))


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


def training_message_hub(name: str) -> MessageHub:
    hub = MessageHub.get_instance(name)
    for value in (1.25, 2.5, 4.0):
        hub.update_scalar('train/loss', value)
    hub.update_scalar('train/lr', 1e-3, count=2)
    hub.update_info('eta', np.float64(12.5))
    hub.update_info('palette', np.arange(6, dtype=np.uint8).reshape(2, 3))
    hub.update_info('names', np.array(['a', 'b']))
    return hub


def saved_by_hook(tmp_path: Path, hub: MessageHub) -> Path:
    checkpoint = dict(
        meta=dict(epoch=1, iter=7, seed=np.int64(3)),
        state_dict={'backbone.w': torch.arange(4.0)},
        message_hub=hub.state_dict(),
    )
    SafeCheckpointHook().before_save_checkpoint(None, checkpoint)
    path = tmp_path / 'epoch_1.pth'
    torch.save(checkpoint, path)
    return path


# --- portable format -------------------------------------------------------------------------


def test_portable_round_trip_restores_buffers_and_numpy_values(tmp_path):
    path = saved_by_hook(tmp_path, training_message_hub('portable_round_trip'))
    assert torch.serialization.get_unsafe_globals_in_checkpoint(str(path)) == []

    checkpoint = torch.load(path, weights_only=True)
    SafeCheckpointHook().after_load_checkpoint(hook_runner(), checkpoint)
    restored = MessageHub.get_instance('portable_round_trip_restored')
    restored.load_state_dict(checkpoint['message_hub'])
    loss = restored.get_scalar('train/loss')
    assert isinstance(loss, HistoryBuffer) and loss.data[0].dtype == np.float64
    np.testing.assert_array_equal(loss.data[0], [1.25, 2.5, 4.0])
    np.testing.assert_array_equal(restored.get_scalar('train/lr').data[1], [2])
    assert restored.get_info('eta') == 12.5 and type(restored.get_info('eta')) is np.float64
    assert restored.get_info('palette').dtype == np.uint8
    assert restored.get_info('names') == ['a', 'b']  # non-numeric arrays: plain lists
    assert checkpoint['meta']['seed'] == 3 and type(checkpoint['meta']['seed']) is np.int64


def test_from_portable_rejects_an_unknown_tag():
    with pytest.raises(ValueError, match="unknown portable checkpoint entry 'Mystery'"):
        from_portable({'__portable__': 'Mystery'})


@pytest.mark.slow
def test_checkpoint_loads_where_the_plugin_cannot_be_imported(tmp_path):
    loaded = load_without_plugin(saved_by_hook(tmp_path, training_message_hub('blocked')))
    assert loaded == dict(
        keys=['message_hub', 'meta', 'state_dict'], loss=[1.25, 2.5, 4.0], loaded_modules=[]
    )


# --- atomic writes ---------------------------------------------------------------------------


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
    script = f"""
import importlib.util, resource, signal
spec = importlib.util.spec_from_file_location('atomic_file', {atomic_file.__file__!r})
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


def test_only_temporary_files_of_dead_writers_are_removed(tmp_path):
    """A save killed between write and rename leaves its temporary file until cleaned up."""
    script = f"""
import importlib.util, os, signal
spec = importlib.util.spec_from_file_location('atomic_file', {atomic_file.__file__!r})
atomic_file = importlib.util.module_from_spec(spec)
spec.loader.exec_module(atomic_file)
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # killed before the rename
atomic_file.atomic_write_bytes({str(tmp_path / 'epoch_2.pth')!r}, b'x' * 1000)
"""
    proc = subprocess.run([sys.executable, '-c', script])
    assert proc.returncode == -signal.SIGKILL
    (dead,) = tmp_path.glob('.epoch_2.pth.*.tmp')
    host, dead_pid = dead.name.split('.')[3:5]
    live = tmp_path / f'.epoch_3.pth.{host}.{os.getpid()}.abcd1234.tmp'  # this process writes
    other_host = tmp_path / f'.epoch_3.pth.otherhost.{dead_pid}.abcd1234.tmp'
    unrelated = tmp_path / '.notes.tmp'
    for path in (live, other_host, unrelated):
        path.write_bytes(b'')
    assert atomic_file.remove_stale_temporaries(tmp_path) == [str(dead)]
    assert sorted(tmp_path.iterdir()) == sorted([live, other_host, unrelated])


# --- weights-only reads ----------------------------------------------------------------------


def save(path: Path, epoch: int = 1, **state) -> Path:
    torch.save(dict(meta=dict(epoch=epoch), state_dict=state or dict(w=torch.ones(3))), path)
    return path


SAVERS = {
    'zip': lambda obj, path: torch.save(obj, path),
    'legacy': lambda obj, path: torch.save(obj, path, _use_new_zipfile_serialization=False),
    'plain pickle': lambda obj, path: path.write_bytes(pickle.dumps(obj)),
    'protocol 0 pickle': lambda obj, path: path.write_bytes(pickle.dumps(obj, protocol=0)),
}


@pytest.mark.parametrize('fmt', sorted(SAVERS))
@pytest.mark.parametrize('force_unsafe_default', [False, True])
def test_a_checkpoint_calling_os_system_is_refused_by_name_and_never_runs(
    tmp_path, monkeypatch, fmt, force_unsafe_default
):
    """Issue 23.4: any file format, any torch default; the global is named, not run."""
    if force_unsafe_default:  # what torch 2.5 does by default
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'payload_ran'
    path = tmp_path / 'evil.pth'
    SAVERS[fmt](dict(state_dict=dict(w=torch.ones(1)), extra=Payload(marker)), path)
    with pytest.raises(CheckpointError, match=rf'checkpoint {path} is refused: it names posix.sys'):
        load_checkpoint_weights_only(str(path))
    assert not marker.exists()


def test_legacy_format_checkpoints_of_plain_tensors_load(tmp_path):
    path = tmp_path / 'legacy.pth'
    SAVERS['legacy'](dict(state_dict=dict(w=torch.arange(3.0))), path)
    assert load_checkpoint_weights_only(str(path))['state_dict']['w'].tolist() == [0, 1, 2]


def test_unreadable_checkpoints_are_named_with_the_reason(tmp_path):
    good = save(tmp_path / 'good.pth')
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(good.read_bytes()[:100])
    (tmp_path / 'garbage.pth').write_bytes(b'\x80\x04garbage')
    (tmp_path / 'empty.pth').write_bytes(b'')
    (tmp_path / 'folder.pth').mkdir()
    cases = {
        'missing.pth': 'not found',
        'empty.pth': r'is empty \(0 bytes\)',
        'folder.pth': 'is a directory, not a file',
        'truncated.pth': 'is truncated or corrupt',
        'garbage.pth': 'is truncated or corrupt',
    }
    for name, reason in cases.items():
        with pytest.raises(CheckpointError, match=rf'checkpoint {tmp_path / name} {reason}'):
            load_checkpoint_weights_only(str(tmp_path / name))
    with pytest.raises(CheckpointError, match='epoch_400.pth is remote: download it first'):
        load_checkpoint_weights_only('https://example.invalid/epoch_400.pth')
    assert load_checkpoint_weights_only(str(good))['meta'] == dict(epoch=1)


def test_every_checkpoint_a_training_run_reads_is_checked_before_it_is_read(tmp_path, monkeypatch):
    """``before_run`` reads load_from and, when training, Pretrained files weights-only."""
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'payload_ran'
    evil = tmp_path / 'pretrained.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(1)), extra=Payload(marker)), evil)
    model = torch.nn.Module()
    model.backbone = BaseModule(init_cfg=dict(type='Pretrained', checkpoint=str(evil)))
    training = hook_runner(load_from=str(save(tmp_path / 'start.pth')))
    training.model = model
    training.optim_wrapper = OptimWrapper(torch.optim.SGD([torch.zeros(1)], lr=0.1))
    with pytest.raises(
        CheckpointError, match=f'backbone.init_cfg.checkpoint: checkpoint {evil} is ref'
    ):
        SafeCheckpointHook().before_run(training)
    assert not marker.exists()
    testing = hook_runner(load_from=str(tmp_path / 'start.pth'))
    testing.model, testing.optim_wrapper = model, None  # the Pretrained weights are not read
    SafeCheckpointHook().before_run(testing)
    testing.cfg.load_from = str(evil)
    with pytest.raises(CheckpointError, match=f'checkpoint {evil} is refused: it names posix'):
        SafeCheckpointHook().before_run(testing)
    model.backbone.init_cfg = dict(type='Pretrained', checkpoint=None)
    training.cfg.load_from = None
    with pytest.raises(CheckpointError, match='model.backbone.init_cfg.checkpoint is not set'):
        SafeCheckpointHook().before_run(training)
    assert not marker.exists()


def test_a_classifier_is_not_tested_with_a_headless_or_other_shaped_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match='pre.pth holds no classification head'):
        require_classifier({'backbone.w': torch.ones(1)}, 'pre.pth')
    require_classifier({'cls_head.fc.weight': torch.ones(1)}, 'probe.pth')
    hook, runner = SafeCheckpointHook(), hook_runner(load_from=str(tmp_path / 'pre.pth'))
    runner.model = torch.nn.Module()
    runner.model.cls_head = torch.nn.Linear(2, 3)  # cls_head.weight (3, 2), cls_head.bias (3,)
    hook.after_load_checkpoint(runner, dict(state_dict={'backbone.w': torch.ones(1)}))
    with pytest.raises(CheckpointError, match='pre.pth holds no classification head'):
        hook.before_test(runner)
    (tmp_path / 'probe.py').touch()  # the config a run saves in its work dir
    hook.after_load_checkpoint(runner, dict(state_dict={'cls_head.weight': torch.ones(4, 2)}))
    with pytest.raises(
        CheckpointError,
        match=r'cls_head.weight is \(4, 2\) in the checkpoint, \(3, 2\) in the model\. .* '
        f'saved in its work dir: {tmp_path / "probe.py"}$',  # a missing key: mmengine's to log
    ):
        hook.before_test(runner)
    hook.after_load_checkpoint(runner, dict(state_dict=runner.model.state_dict()))
    hook.before_test(runner)
    with pytest.raises(CheckpointError, match=r"1 missing key\(s\) \['cls_head.bias'\]"):
        require_fit({'cls_head.weight': torch.ones(3, 2)}, runner.model.state_dict(), 'p', True)


def test_one_non_finite_check_for_any_tensor():
    named = [('int', torch.tensor([1, 2])), ('ok', torch.ones(2, 2)), ('loss', torch.tensor(1.0))]
    assert non_finite(named) == []
    named += [('nan', torch.tensor([0.0, math.nan])), ('inf', torch.tensor(-math.inf))]
    assert non_finite(named) == ['nan', 'inf']


# --- resume fallback -------------------------------------------------------------------------


def test_resume_skips_truncated_and_empty_newest_checkpoints(tmp_path, captured_log):
    for epoch in (1, 2, 3):
        save(tmp_path / f'epoch_{epoch}.pth', epoch)
        os.utime(tmp_path / f'epoch_{epoch}.pth', (epoch, epoch))
    data = (tmp_path / 'epoch_3.pth').read_bytes()
    (tmp_path / 'epoch_3.pth').write_bytes(data[: len(data) // 2])
    (tmp_path / 'epoch_2.pth').write_bytes(b'')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    assert newest_readable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_1.pth')
    skipped = [m for m in captured_log if m.startswith('Resume: skipped')]
    assert f'{tmp_path}/epoch_3.pth is truncated or corrupt' in skipped[0]
    assert f'{tmp_path}/epoch_2.pth is empty (0 bytes)' in skipped[1]
    assert f'Resume: using {tmp_path}/epoch_1.pth' in captured_log


@pytest.mark.parametrize('pointer', [b'', b'\x80\xff\xfe binary', b'/x/epoch\x00_9.pth', 'gone'])
def test_resume_falls_back_past_a_broken_last_checkpoint(tmp_path, captured_log, pointer):
    """Issue 23.3: random bytes in last_checkpoint; also empty, NUL, a missing target."""
    save(tmp_path / 'epoch_3.pth', 3)
    pointer = pointer if isinstance(pointer, bytes) else str(tmp_path / 'epoch_4.pth').encode()
    (tmp_path / 'last_checkpoint').write_bytes(pointer)
    assert newest_readable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_3.pth')
    assert f'Resume: using {tmp_path}/epoch_3.pth' in captured_log
    (tmp_path / 'last_checkpoint').write_bytes(os.urandom(200))
    assert newest_readable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_3.pth')


def test_resume_without_any_readable_checkpoint_stops(tmp_path):
    assert newest_readable_checkpoint(str(tmp_path)) is None  # fresh work dir: start anew
    (tmp_path / 'epoch_1.pth').write_bytes(b'garbage')
    with pytest.raises(CheckpointError, match=r'no readable checkpoint in .*epoch_1.pth is trunc'):
        newest_readable_checkpoint(str(tmp_path))


# --- divergence guard ------------------------------------------------------------------------


def guarded_runner(grad_norm=None) -> SimpleNamespace:
    hub = MessageHub.get_instance(f'divergence_{grad_norm}_{os.urandom(4).hex()}')
    if grad_norm is not None:
        hub.update_scalar('train/grad_norm', grad_norm)
    return SimpleNamespace(message_hub=hub, iter=0, model=torch.nn.Linear(2, 2))


def feed(hook, runner, losses):
    for loss in losses:
        hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(loss)))
        runner.iter += 1


def test_patience_tolerates_that_many_non_finite_losses_in_a_row():
    hook, runner = DivergenceGuardHook(patience=2), guarded_runner()
    feed(hook, runner, [1.0, math.nan, math.inf, 0.9, math.nan, math.nan])
    with pytest.raises(TrainingDiverged) as error:
        feed(hook, runner, [math.nan])
    assert str(error.value) == (
        'training diverged: loss nan at iteration 7 (3 in a row); last finite loss 0.9 at '
        'iteration 4. Lower the learning rate (optim_wrapper.optimizer.lr) or clip gradients '
        '(optim_wrapper.clip_grad=dict(max_norm=1.0)), then resume from the last checkpoint '
        '(no checkpoint of the diverged weights was written)'
    )


def test_a_bad_first_iteration_points_at_the_data_and_weights_stop_at_once():
    with pytest.raises(TrainingDiverged, match='the first one checked; .* MotionAwareMasking'):
        feed(DivergenceGuardHook(), guarded_runner(), [math.nan])
    with pytest.raises(TrainingDiverged, match='gradient norm inf at iteration 1'):
        feed(DivergenceGuardHook(), guarded_runner(grad_norm=math.inf), [0.5])
    hook, runner = DivergenceGuardHook(patience=5), guarded_runner()
    feed(hook, runner, [0.5])
    with torch.no_grad():
        runner.model.bias[1] = math.inf
    with pytest.raises(TrainingDiverged, match=r'1 weight tensor\(s\) .* \(first: bias\) at it'):
        feed(hook, runner, [0.5])  # patience is for losses: inf weights never recover
