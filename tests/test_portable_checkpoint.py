"""Checkpoints are plain data: they load with weights_only=True where the plugin is absent."""

import copyreg
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.logging.history_buffer import HistoryBuffer

from mmaction_mamp.engine.hooks import PortableCheckpointHook
from mmaction_mamp.utils import (
    from_portable,
    is_legacy_checkpoint,
    legacy_checkpoint_message,
)
from mmaction_mamp.utils.checkpoint_safety import rebuild_history_buffer

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
    try:
        import mmaction_mamp
    except ImportError:
        pass
    else:
        raise SystemExit('the plugin was importable')
    import torch

    checkpoint = torch.load(sys.argv[1], map_location='cpu', weights_only=True)
    loss = checkpoint['message_hub']['log_scalars']['train/loss']
    print(json.dumps(dict(
        keys=sorted(checkpoint),
        loss=loss['log_history'].tolist(),
        count=loss['count_history'].tolist(),
        eta=float(checkpoint['message_hub']['runtime_info']['eta']['data']),
        loaded_modules=sorted(m for m in sys.modules if m.startswith('mmaction_mamp')),
    )))
    """
)


def load_without_plugin(path: Path) -> dict:
    import json

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


def training_message_hub(name: str, with_strings: bool = True) -> MessageHub:
    hub = MessageHub.get_instance(name)
    for value in (1.25, 2.5, 4.0):
        hub.update_scalar('train/loss', value)
    hub.update_scalar('train/lr', 1e-3, count=2)
    hub.update_info('eta', np.float64(12.5))
    hub.update_info('iter', 7)
    hub.update_info('palette', np.arange(6, dtype=np.uint8).reshape(2, 3))
    if with_strings:  # (the old format could not store string arrays)
        hub.update_info('names', np.array(['a', 'b']))
    return hub


def saved_by_hook(tmp_path: Path, hub: MessageHub) -> tuple:
    checkpoint = dict(
        meta=dict(epoch=1, iter=7, seed=np.int64(3)),
        state_dict={'backbone.w': torch.arange(4.0)},
        message_hub=hub.state_dict(),
    )
    PortableCheckpointHook().before_save_checkpoint(None, checkpoint)
    path = tmp_path / 'epoch_1.pth'
    torch.save(checkpoint, path)
    return path, checkpoint


def test_import_leaves_pickling_and_allow_list_alone():
    assert HistoryBuffer not in copyreg.dispatch_table
    allowed = {getattr(g, '__name__', str(g)) for g in torch.serialization.get_safe_globals()}
    assert 'rebuild_history_buffer' not in allowed and '_reconstruct' not in allowed


def test_portable_round_trip_restores_buffers_and_numpy_values(tmp_path):
    hub = training_message_hub('portable_round_trip')
    path, _ = saved_by_hook(tmp_path, hub)
    assert torch.serialization.get_unsafe_globals_in_checkpoint(str(path)) == []

    checkpoint = torch.load(path, weights_only=True)
    PortableCheckpointHook().after_load_checkpoint(None, checkpoint)
    restored = MessageHub.get_instance('portable_round_trip_restored')
    restored.load_state_dict(checkpoint['message_hub'])

    loss = restored.get_scalar('train/loss')
    assert isinstance(loss, HistoryBuffer)
    np.testing.assert_array_equal(loss.data[0], [1.25, 2.5, 4.0])
    assert loss.data[0].dtype == np.float64 and loss.max_length == 1000000
    lr = restored.get_scalar('train/lr')
    np.testing.assert_array_equal(lr.data[1], [2])
    assert restored.get_info('eta') == 12.5 and type(restored.get_info('eta')) is np.float64
    assert restored.get_info('iter') == 7
    palette = restored.get_info('palette')
    assert palette.dtype == np.uint8 and palette.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert restored.get_info('names') == ['a', 'b']  # non-numeric arrays: plain lists
    assert checkpoint['meta']['seed'] == 3 and type(checkpoint['meta']['seed']) is np.int64


def test_from_portable_rejects_an_unknown_tag():
    with pytest.raises(ValueError, match="unknown portable checkpoint entry 'Mystery'"):
        from_portable({'__portable__': 'Mystery'})


def test_hook_checkpoint_loads_where_the_plugin_cannot_be_imported(tmp_path):
    path, _ = saved_by_hook(tmp_path, training_message_hub('portable_blocked'))
    loaded = load_without_plugin(path)
    assert loaded['keys'] == ['message_hub', 'meta', 'state_dict']
    assert loaded['loss'] == [1.25, 2.5, 4.0] and loaded['count'] == [1, 1, 1]
    assert loaded['eta'] == 12.5
    assert loaded['loaded_modules'] == []


def write_legacy_checkpoint(path: Path, hub: MessageHub) -> None:
    """What earlier plugin versions wrote (HistoryBuffer pickled through the plugin)."""

    def reduce_buffer(buffer):
        args = (buffer._log_history, buffer._count_history, buffer.max_length)
        return rebuild_history_buffer, args

    copyreg.pickle(HistoryBuffer, reduce_buffer)
    try:
        torch.save(dict(message_hub=hub.state_dict(), state_dict={'w': torch.ones(2)}), path)
    finally:
        del copyreg.dispatch_table[HistoryBuffer]


def test_legacy_checkpoint_is_recognised_and_converted(tmp_path):
    legacy = tmp_path / 'epoch_3.pth'
    write_legacy_checkpoint(legacy, training_message_hub('portable_legacy', with_strings=False))
    assert is_legacy_checkpoint(legacy)
    with pytest.raises(pickle.UnpicklingError, match='rebuild_history_buffer'):
        torch.load(legacy, weights_only=True)
    message = legacy_checkpoint_message(legacy)
    converted = tmp_path / 'epoch_3_portable.pth'
    assert f'tools/model_converters/portable_checkpoint.py {legacy} {converted}' in message

    proc = subprocess.run(
        [sys.executable, 'tools/model_converters/portable_checkpoint.py', legacy, converted],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not is_legacy_checkpoint(converted)
    loaded = load_without_plugin(converted)
    assert loaded['loss'] == [1.25, 2.5, 4.0] and loaded['eta'] == 12.5


def test_converter_refuses_a_checkpoint_that_needs_no_conversion(tmp_path):
    path, _ = saved_by_hook(tmp_path, training_message_hub('portable_noop'))
    proc = subprocess.run(
        [sys.executable, 'tools/model_converters/portable_checkpoint.py', path, tmp_path / 'x'],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert 'not an old-format mmaction-mamp checkpoint' in proc.stderr
    assert not (tmp_path / 'x').exists()
