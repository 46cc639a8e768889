"""Round trip: raw .skeleton fixtures -> converter -> one pre-training iteration."""

import math
from pathlib import Path

import pytest

from mmaction_mamp.preparation import convert_ntu

from prep_fixtures import upright, write_skeleton

CONFIG = Path(__file__).resolve().parents[2] / 'configs' / 'mamp_pretrain_ntu60.py'


@pytest.mark.slow
def test_converted_fixture_trains_one_iteration(tmp_path):
    from mmengine.config import Config
    from mmengine.runner import Runner

    folder = tmp_path / 'nturgb+d_skeletons'
    moving = [[('1', upright(1.0 + 0.02 * t))] for t in range(40)]
    pair = [
        [('1', upright(1.0 + 0.02 * t)), ('2', upright(2.0 - 0.01 * t, 0.4))] for t in range(30)
    ]
    write_skeleton(folder, 'S001C001P001R001A001', moving)  # xsub train (subject 1)
    write_skeleton(folder, 'S001C002P002R001A050', pair)  # xsub train (subject 2)
    write_skeleton(folder, 'S001C002P003R001A050', pair)  # xsub val: not trained on
    ann_file = tmp_path / 'ntu60_3d.pkl'
    summary = convert_ntu([folder], 'ntu60', ann_file, num_workers=1)
    assert summary.split_sizes['xsub_train'] == 2

    cfg = Config.fromfile(str(CONFIG))
    loader = cfg.train_dataloader
    assert loader.dataset.type == 'SafePoseDataset' and loader.dataset.split == 'xsub_train'
    loader.dataset.ann_file = str(ann_file)
    loader.update(num_workers=0, persistent_workers=False, pin_memory=False)
    loader.batch_sampler.global_batch_size = 2
    cfg.train_cfg.max_epochs = 1  # 2 samples, batch 2: exactly one iteration
    cfg.param_scheduler = None  # at the base lr: the schedule is not under test
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp_path / 'work_dir')

    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 1
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert math.isfinite(loss) and loss > 0
