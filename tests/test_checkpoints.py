"""Checkpoints: portable, atomic, read weights-only whatever torch says, resumed past damage."""

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.logging import MessageHub, MMLogger
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.model import BaseModule
from mmengine.runner import BaseLoop

from mmaction_mamp.engine.checkpoints import (
    from_portable,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
)
from mmaction_mamp.engine.hooks import SafeCheckpointHook
from mmaction_mamp.utils import atomic_file
from mmaction_mamp.utils.errors import CheckpointError

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


class TrainLoop(BaseLoop):
    """Stands for a built training loop (the runner is training)."""

    def __init__(self) -> None:
        pass

    def run(self) -> None:
        pass


class Payload:
    """Pickles as a call that creates a marker file (a stand-in for malicious code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


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
    SafeCheckpointHook().after_load_checkpoint(None, checkpoint)
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


# --- weights-only reads ----------------------------------------------------------------------


def save(path: Path, epoch: int = 1) -> Path:
    torch.save(dict(meta=dict(epoch=epoch), state_dict=dict(w=torch.ones(3))), path)
    return path


@pytest.mark.parametrize('force_unsafe_default', [False, True])
def test_pickled_code_never_runs_whatever_torch_defaults_to(
    tmp_path, monkeypatch, force_unsafe_default
):
    if force_unsafe_default:  # what torch 2.5 does by default
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'payload_ran'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(1)), extra=Payload(marker)), path)
    with pytest.raises(
        CheckpointError, match=rf'checkpoint {path} is refused: it names builtins.getattr, pathlib'
    ):
        load_checkpoint_weights_only(str(path))
    assert not marker.exists()


def test_unreadable_checkpoints_are_named_with_the_reason(tmp_path):
    good = save(tmp_path / 'good.pth')
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(good.read_bytes()[:100])
    (tmp_path / 'empty.pth').write_bytes(b'')
    (tmp_path / 'folder.pth').mkdir()
    cases = {
        'missing.pth': 'not found',
        'empty.pth': r'is empty \(0 bytes\)',
        'folder.pth': 'is a directory, not a file',
        'truncated.pth': 'is truncated or corrupt',
    }
    for name, reason in cases.items():
        with pytest.raises(CheckpointError, match=rf'checkpoint {tmp_path / name} {reason}'):
            load_checkpoint_weights_only(str(tmp_path / name))
    with pytest.raises(CheckpointError, match='remote checkpoints cannot be checked'):
        load_checkpoint_weights_only('https://example.invalid/epoch_400.pth')
    assert load_checkpoint_weights_only(str(good))['meta'] == dict(epoch=1)


def test_every_checkpoint_the_run_reads_is_checked_before_it_is_read(tmp_path, monkeypatch):
    """``before_run`` reads resume / load_from / Pretrained files weights-only, in training."""
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'payload_ran'
    evil = tmp_path / 'pretrained.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(1)), extra=Payload(marker)), evil)
    model = torch.nn.Module()
    model.backbone = BaseModule(init_cfg=dict(type='Pretrained', checkpoint=str(evil)))
    runner = SimpleNamespace(
        _resume=False,
        _load_from=str(save(tmp_path / 'start.pth')),
        _train_loop=TrainLoop(),
        model=model,
        work_dir=str(tmp_path),
    )
    with pytest.raises(
        CheckpointError, match=f'backbone.init_cfg.checkpoint: checkpoint {evil} is ref'
    ):
        SafeCheckpointHook().before_run(runner)
    assert not marker.exists()
    runner._train_loop = None  # testing: the Pretrained weights are not read
    SafeCheckpointHook().before_run(runner)
    model.backbone.init_cfg = dict(type='Pretrained', checkpoint=None)
    runner._train_loop = TrainLoop()
    with pytest.raises(CheckpointError, match='model.backbone.init_cfg.checkpoint is not set'):
        SafeCheckpointHook().before_run(runner)


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


def test_resume_skips_a_missing_last_checkpoint_target(tmp_path, captured_log):
    save(tmp_path / 'epoch_1.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    assert newest_readable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_1.pth')
    assert any('epoch_2.pth: named by last_checkpoint but missing' in m for m in captured_log)


def test_resume_without_any_readable_checkpoint_stops(tmp_path):
    assert newest_readable_checkpoint(str(tmp_path)) is None  # fresh work dir: start anew
    (tmp_path / 'epoch_1.pth').write_bytes(b'garbage')
    with pytest.raises(CheckpointError, match=r'no readable checkpoint in .*epoch_1.pth is trunc'):
        newest_readable_checkpoint(str(tmp_path))
