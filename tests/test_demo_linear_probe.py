"""tools/misc/demo_linear_probe.py: which pre-training it probes, that it trains the probe
config as written, and a longer pre-training keeps the warm-up and stretches the cosine; the
demo classifiers work with mmaction2's inference API."""

import importlib.util
from pathlib import Path
from unittest.mock import Mock

import pytest
import torch
from mmaction.apis import inference_recognizer, init_recognizer
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope


@pytest.fixture
def demo_tool(repo_root):
    spec = importlib.util.spec_from_file_location(
        'demo_linear_probe', repo_root / 'tools' / 'misc' / 'demo_linear_probe.py'
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_probes_train_the_config_as_written(demo_tool, monkeypatch):
    """The tool changes only where the probe writes and which encoder it starts from: batch
    sizes, schedule, pipelines and head are the config's."""
    built = []
    monkeypatch.setattr(demo_tool.RUNNERS, 'build', lambda cfg: built.append(cfg) or Mock())
    for config in (demo_tool.LINEAR_CONFIG, demo_tool.LINEAR_CONFIG_2D):
        for checkpoint in ('encoder.pth', None):
            demo_tool.train_probe(Config.fromfile(config), 'w', 'stage', checkpoint)
            probed, as_written = built[-1].to_dict(), Config.fromfile(config).to_dict()
            init = as_written['model']['backbone'].pop('init_cfg')
            assert probed['model']['backbone'].pop('init_cfg') == (
                None if checkpoint is None else dict(init, checkpoint=checkpoint)
            )
            changed = dict(work_dir='w', experiment_name='stage', launcher='none')
            assert probed == dict(as_written, **changed)


@pytest.mark.parametrize(
    'config', ['mamp_linear_demo.py', 'mamp_linear_demo_2d.py', 'mamp_finetune_demo.py']
)
def test_mmaction_inference_api_scores_as_the_test_loop(repo_root, config):
    """mmaction2's ``inference_recognizer`` reads the config's top-level ``test_pipeline``:
    on a raw clip it gives the scores the test loader's view of that clip gives."""
    torch.manual_seed(0)
    model = init_recognizer(str(repo_root / 'configs' / 'demo' / config), device='cpu')
    dataset_cfg = dict(model.cfg.test_dataloader.dataset, num_per_class=1)
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = DATASETS.build(dataset_cfg)
    index = 3
    result = inference_recognizer(model, dataset.get_data_info(index))
    with torch.no_grad():
        (expected,) = model.test_step(pseudo_collate([dataset[index]]))
    assert result.pred_score.shape == (10,)
    torch.testing.assert_close(result.pred_score, expected.pred_score)


@pytest.mark.parametrize('config', ['PRETRAIN_CONFIG', 'PRETRAIN_CONFIG_2D'])
def test_longer_pretraining_keeps_the_warmup(demo_tool, config):
    cfg = Config.fromfile(getattr(demo_tool, config))
    warmup, cosine = cfg.param_scheduler
    assert (warmup.type, warmup.end, cosine.end) == ('LinearLR', 3, cfg.train_cfg.max_epochs)
    options = demo_tool.stretched_schedule_options(cfg, 200)
    assert options == ['train_cfg.max_epochs=200', 'param_scheduler.1.end=200']
    cfg.merge_from_dict(dict(option.split('=') for option in options))
    assert [(s.type, s.begin, int(s.end)) for s in cfg.param_scheduler] == [
        ('LinearLR', 0, 3),
        ('CosineAnnealingLR', 3, 200),
    ]


def _args(demo_tool, **kwargs):
    defaults = dict(pretrained=None, quick_start_dir=None, pretrain_epochs=None, work_dir='w')
    return demo_tool.argparse.Namespace(**dict(defaults, **kwargs))


def test_uses_the_quick_start_checkpoint_when_it_exists(demo_tool, tmp_path, monkeypatch):
    def no_pretraining(*args, **kwargs):
        raise AssertionError('pre-trained again although the quick start checkpoint exists')

    monkeypatch.setattr(demo_tool.subprocess, 'run', no_pretraining)
    assert demo_tool.quick_start_checkpoint(demo_tool.PRETRAIN_CONFIG) == (
        'work_dirs/mamp_pretrain_demo/epoch_150.pth'
    )
    (tmp_path / 'epoch_150.pth').write_bytes(b'')
    args = _args(demo_tool, quick_start_dir=str(tmp_path))
    checkpoint, source = demo_tool.pretraining_checkpoint(args, demo_tool.PRETRAIN_CONFIG)
    assert checkpoint == str(tmp_path / 'epoch_150.pth')
    assert source == "the quick start's pre-training"
    args = _args(demo_tool, pretrained='given.pth', quick_start_dir=str(tmp_path))
    assert demo_tool.pretraining_checkpoint(args, demo_tool.PRETRAIN_CONFIG) == (
        'given.pth',
        'given with --pretrained',
    )


def test_pretrains_with_the_train_tool_without_a_quick_start(demo_tool, tmp_path, monkeypatch):
    commands = []

    def fake_train(command, check):
        commands.append(command)
        work_dir = Path(command[command.index('--work-dir') + 1])
        work_dir.mkdir(parents=True)
        (work_dir / 'last_checkpoint').write_text(str(work_dir / 'epoch_150.pth'))

    monkeypatch.setattr(demo_tool.subprocess, 'run', fake_train)
    args = _args(demo_tool, quick_start_dir=str(tmp_path / 'none'), work_dir=str(tmp_path))
    checkpoint, source = demo_tool.pretraining_checkpoint(args, demo_tool.PRETRAIN_CONFIG_2D)
    assert checkpoint == str(tmp_path / 'pretrain' / 'epoch_150.pth')
    assert 'pre-trained now' in source and 'not found' in source
    (command,) = commands
    assert command[1:3] == [demo_tool.TRAIN_TOOL, demo_tool.PRETRAIN_CONFIG_2D]
    assert '--cfg-options' not in command


def test_probes_train_with_the_configs_runner(demo_tool, tmp_path):
    cfg = Config.fromfile(demo_tool.LINEAR_CONFIG)
    cfg.merge_from_dict(
        {
            'train_cfg.max_epochs': 1,
            'train_cfg.val_interval': 1,
            'train_dataloader.dataset.num_per_class': 4,
            'val_dataloader.dataset.num_per_class': 1,
        }
    )
    runner = demo_tool.train_probe(cfg, str(tmp_path), f'{tmp_path.name}_random', None)
    assert type(runner).__name__ == 'MAMPRunner'  # guard hooks, lock, one-line errors
    assert (tmp_path / 'epoch_1.pth').is_file()
