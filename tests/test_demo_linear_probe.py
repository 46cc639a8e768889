"""tools/misc/demo_linear_probe.py: a longer pre-training keeps the warm-up and stretches the cosine."""

import importlib.util

import pytest
from mmengine.config import Config


@pytest.fixture
def demo_tool(repo_root):
    spec = importlib.util.spec_from_file_location(
        'demo_linear_probe', repo_root / 'tools' / 'misc' / 'demo_linear_probe.py'
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('config', ['PRETRAIN_CONFIG', 'PRETRAIN_CONFIG_2D'])
def test_longer_pretraining_keeps_the_warmup(demo_tool, config):
    cfg = Config.fromfile(getattr(demo_tool, config))
    warmup, cosine = cfg.param_scheduler
    assert (warmup.type, warmup.end, cosine.end) == ('LinearLR', 3, cfg.train_cfg.max_epochs)
    demo_tool.stretch_schedule(cfg, 200)
    assert cfg.train_cfg.max_epochs == 200
    assert [(s.type, s.begin, s.end) for s in cfg.param_scheduler] == [
        ('LinearLR', 0, 3),
        ('CosineAnnealingLR', 3, 200),
    ]
