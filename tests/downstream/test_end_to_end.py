"""End-to-end (small): downstream configs train an epoch and evaluate with AccMetric; what
training changed and the reported accuracy are checked against the saved checkpoint."""

import sys
import time
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmaction_mamp.engine.checkpoints import load_checkpoint_weights_only
from mmaction_mamp.models.backbones.mamp_transformer import resize_temporal_embedding
from mmaction_mamp.utils.official_checkpoint import convert_official_state_dict

from .helpers import REPO, write_pose_pickle, write_pretrain_checkpoint
from launch import run
from reference_mamp import make_official_state_dict

pytestmark = pytest.mark.slow
LINEAR = 'vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py'
SMALL = dict(embed_dims=32, depth=1, num_heads=4)


def _shrink(cfg: Config, work_dir, batch: int = 4) -> Config:
    """Small encoder, tiny batches, no worker processes, fresh work dir."""
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'{work_dir.name}_{time.time_ns()}'
    cfg.launcher = 'none'
    cfg.model.backbone.update(SMALL)
    cfg.model.cls_head.in_channels = SMALL['embed_dims']
    cfg.train_dataloader.batch_sampler.global_batch_size = batch
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].update(num_workers=0, persistent_workers=False, pin_memory=False)
    for loader in ('val_dataloader', 'test_dataloader'):
        cfg[loader].batch_size = batch
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.param_scheduler = None  # one epoch at the base lr: the schedule is not under test
    cfg.default_hooks.logger.interval = 1
    return cfg


class _InitialWeights(Hook):
    """Keeps a copy of the weights training starts from (after init and pre-trained load)."""

    def before_train(self, runner) -> None:
        self.state = {k: v.detach().clone() for k, v in runner.model.state_dict().items()}


def _head_logits(state: dict, features: torch.Tensor) -> torch.Tensor:
    """The saved head's logits from encoder features (N, M, D, TP, VP), in plain tensor ops
    on the checkpoint's ``cls_head.*`` tensors (eval mode), not through the head module."""
    w = {k[len('cls_head.') :]: v for k, v in state.items() if k.startswith('cls_head.')}
    if 'fc1.weight' not in w:  # linear probe: mean over M, TP, VP -> BN (no affine) -> fc
        pooled = features.mean(dim=(1, 3, 4))
        normed = (pooled - w['bn.running_mean']) / (w['bn.running_var'] + 1e-6).sqrt()
        return normed @ w['fc.weight'].T + w['fc.bias']
    n, m = features.shape[:2]  # fine-tune: mean over TP, joint-major flatten, mean over M
    pooled = features.mean(dim=3).transpose(2, 3).reshape(n, m, -1).mean(dim=1)
    hidden = pooled @ w['fc1.weight'].T + w['fc1.bias']
    hidden = (hidden - w['bn.running_mean']) / (w['bn.running_var'] + 1e-5).sqrt()
    hidden = torch.relu(hidden * w['bn.weight'] + w['bn.bias'])
    return hidden @ w['fc2.weight'].T + w['fc2.bias']


def _train_and_test(cfg: Config) -> dict:
    """Train and test ``cfg``; check what training changed and the reported top-1.

    * training starts from the pre-trained encoder (when ``init_cfg`` names one); a frozen
      one (linear probe) is saved exactly as loaded, a fine-tuned one changed; the head
      changed;
    * the top-1 AccMetric reports equals the one recomputed from the saved checkpoint: its
      encoder weights in a fresh ``MAMPTransformer`` (equal to the official code by the golden
      tests), its head in plain tensor ops, labels from the test dataset.
    """
    initial = _InitialWeights()
    runner = Runner.from_cfg(cfg)
    runner.register_hook(initial)
    runner.train()
    metrics = runner.test()
    (saved_path,) = Path(cfg.work_dir).rglob('epoch_1.pth')
    saved = load_checkpoint_weights_only(str(saved_path))['state_dict']
    init_cfg = cfg.model.backbone.get('init_cfg')  # None: a randomly initialised encoder
    pretrained = init_cfg and torch.load(init_cfg.checkpoint, weights_only=True)['state_dict']
    frozen = cfg.model.backbone.get('frozen', False)
    for name, value in saved.items():
        if name.startswith('backbone.') and value.is_floating_point():
            if pretrained:
                loaded = pretrained[name]
                if name == 'backbone.temp_embed' and loaded.shape != value.shape:  # clip length
                    loaded = resize_temporal_embedding(loaded, value.shape[1])
                assert torch.equal(initial.state[name], loaded), name
            assert torch.equal(value, initial.state[name]) == frozen, name
    last_layer = 'cls_head.fc.weight' if frozen else 'cls_head.fc2.weight'
    assert not torch.equal(saved[last_layer], initial.state[last_layer])

    backbone_cfg = {k: v for k, v in cfg.model.backbone.items() if k != 'init_cfg'}
    encoder = MODELS.build(backbone_cfg)
    encoder.load_state_dict(
        {k[len('backbone.') :]: v for k, v in saved.items() if k.startswith('backbone.')}
    )
    encoder.eval()
    hits = []
    with torch.no_grad():
        for batch in runner.test_dataloader:
            skeletons = torch.stack(batch['inputs']).float()  # (N, 1, M, T, V, C)
            logits = _head_logits(saved, encoder(skeletons.flatten(0, 1)))
            labels = torch.cat([sample.gt_label for sample in batch['data_samples']])
            hits += (logits.argmax(dim=1) == labels).tolist()
    assert len(hits) == len(runner.test_dataloader.dataset)
    assert metrics['acc/top1'] == pytest.approx(sum(hits) / len(hits))
    return metrics


@pytest.mark.parametrize(
    'name, fraction',
    [
        (
            'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_linear-4xb128-100e_ntu60-xsub-keypoint-3d.py',
            None,
        ),
        (
            'configs/skeleton/mamp/vit_mamp-ntu60-xsub-pre_finetune-4xb24-100e_ntu60-xsub-10pct-keypoint-3d.py',
            0.1,
        ),
    ],
)
def test_ntu_config_on_a_tiny_pickle(tmp_path, name, fraction):
    cfg = Config.fromfile(str(REPO / name))
    ann = write_pose_pickle(tmp_path / 'ntu.pkl', num_classes=60, per_split=40 if fraction else 8)
    ckpt = write_pretrain_checkpoint(tmp_path / 'pre.pth', embed_dim=32, depth=1, num_frames=120)
    cfg.model.backbone.init_cfg.checkpoint = ckpt
    _shrink(cfg, tmp_path / 'work')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.ann_file = ann
    metrics = _train_and_test(cfg)
    assert {'acc/top1', 'acc/top5', 'acc/mean1'} <= set(metrics)
    if fraction:
        log = next((tmp_path / 'work').rglob('*.log')).read_text()
        assert 'Semi-supervised subset' in log and '4 of 40 samples' in log


@pytest.mark.parametrize(
    'name', ['configs/demo/mamp_linear_demo.py', 'configs/demo/mamp_finetune_demo.py']
)
def test_demo_config_one_epoch(tmp_path, name):
    cfg = Config.fromfile(str(REPO / name))
    ckpt = write_pretrain_checkpoint(tmp_path / 'pre.pth', embed_dim=32, depth=1, num_frames=64)
    cfg.model.backbone.init_cfg.checkpoint = ckpt
    _shrink(cfg, tmp_path / 'work')
    cfg.train_dataloader.dataset.num_per_class = 1
    cfg.val_dataloader.dataset.num_per_class = 1
    cfg.test_dataloader = cfg.val_dataloader
    _train_and_test(cfg)


def test_tools_test_evaluates_a_converted_official_checkpoint(tmp_path):
    ann = write_pose_pickle(tmp_path / 'ntu.pkl', num_classes=60, per_split=6)
    official = make_official_state_dict(
        depth=1, decoder_depth=0, embed_dim=32, num_frames=120, head='linear', num_classes=60
    )
    ckpt = tmp_path / 'converted.pth'
    torch.save(dict(state_dict=convert_official_state_dict(official)[0]), ckpt)
    small = [f'model.backbone.{k}={v}' for k, v in SMALL.items()]
    linear = 'configs/skeleton/mamp/' + LINEAR
    # from this checkout: launch.run puts it on PYTHONPATH, not an installed mmaction_mamp
    result = run([
        sys.executable, 'tools/test.py', linear, str(ckpt), '--work-dir', str(tmp_path / 'work'),
        '--cfg-options', *small, 'model.cls_head.in_channels=32',
        f'test_dataloader.dataset.ann_file={ann}', 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False', 'test_dataloader.batch_size=4',
    ])  # fmt: skip
    assert 'acc/top1' in result.stdout + result.stderr
