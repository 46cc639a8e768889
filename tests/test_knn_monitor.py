"""k-NN monitor: the weighted cosine k-NN on hand-built features, pooling, and the hook."""

import json
import math
import pickle
from pathlib import Path

import pytest
import torch
from mmaction.registry import DATASETS, HOOKS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmaction_mamp.datasets.synthetic import build_pose_annotations
from mmaction_mamp.engine.hooks import KNNMonitorHook
from mmaction_mamp.evaluation import knn_class_scores, pool_encoder_features, topk_accuracy
from mmaction_mamp.evaluation.knn import gather_in_sampler_order

# Query [1, 0] against a bank at cosine 1.0 (class 0), 0.8 (twice, class 1), -1.0 (class 2).
BANK = torch.tensor([[2.0, 0.0], [0.8, 0.6], [0.8, -0.6], [-1.0, 0.0]])
BANK_LABELS = torch.tensor([0, 1, 1, 2])
QUERY = torch.tensor([[3.0, 0.0]])
REPO = Path(__file__).resolve().parents[1]


def test_knn_scores_are_summed_exponential_votes():
    scores = knn_class_scores(BANK, BANK_LABELS, QUERY, num_classes=4, k=3, temperature=0.07)
    expected = torch.tensor([[math.exp(1 / 0.07), 2 * math.exp(0.8 / 0.07), 0.0, 0.0]])
    torch.testing.assert_close(scores, expected, rtol=1e-5, atol=0.0)


def test_temperature_decides_between_one_close_and_two_farther_neighbours():
    sharp = knn_class_scores(BANK, BANK_LABELS, QUERY, 3, k=3, temperature=0.07)
    flat = knn_class_scores(BANK, BANK_LABELS, QUERY, 3, k=3, temperature=1.0)
    assert sharp.argmax().item() == 0  # e^(1/0.07) = 1.6e6 > 2 e^(0.8/0.07) = 1.9e5
    assert flat.argmax().item() == 1  # e^1 = 2.72 < 2 e^0.8 = 4.45


def test_k_beyond_the_bank_uses_every_neighbour_and_chunks_change_nothing():
    queries = torch.tensor([[3.0, 0.0], [0.0, -1.0], [-2.0, 0.1]])
    scores = knn_class_scores(BANK, BANK_LABELS, queries, 3, k=20, temperature=0.5, chunk_size=1)
    similarity = (
        torch.nn.functional.normalize(queries, dim=1) @ torch.nn.functional.normalize(BANK, dim=1).T
    )
    votes = (similarity / 0.5).exp()
    expected = torch.stack([votes[:, 0], votes[:, 1] + votes[:, 2], votes[:, 3]], dim=1)
    torch.testing.assert_close(scores, expected)


def test_topk_accuracy_exact_fractions():
    scores = torch.tensor(
        [
            [0.9, 0.05, 0.03, 0.02],  # label 0: top-1 hit
            [0.5, 0.3, 0.15, 0.05],  # label 1: second
            [0.1, 0.2, 0.3, 0.4],  # label 0: last
            [0.0, 0.0, 1.0, 0.0],  # label 2: top-1 hit
        ]
    )
    labels = torch.tensor([0, 1, 0, 2])
    assert topk_accuracy(scores, labels, (1, 2, 3, 5)) == {1: 0.5, 2: 0.75, 3: 0.75, 5: 1.0}


def test_knn_rejects_inconsistent_inputs():
    with pytest.raises(ValueError, match='labels'):
        knn_class_scores(BANK, BANK_LABELS[:3], QUERY, 3)
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        knn_class_scores(BANK, BANK_LABELS, QUERY, 2)
    with pytest.raises(ValueError, match='width'):
        knn_class_scores(BANK, BANK_LABELS, torch.ones(1, 3), 3)


def test_pooling_averages_persons_time_and_joints():
    features = torch.arange(2 * 2 * 3 * 2 * 5, dtype=torch.float32).reshape(2, 2, 3, 2, 5)
    pooled = pool_encoder_features(features)
    assert pooled.shape == (2, 3)
    # sample 0, channel 0: values 0..9 (person 0) and 30..39 (person 1)
    assert pooled[0, 0].item() == pytest.approx((sum(range(10)) + sum(range(30, 40))) / 20)
    with pytest.raises(ValueError, match='N, M, D, TP, VP'):
        pool_encoder_features(features[0])


def test_gather_without_distribution_keeps_rows():
    rows = torch.arange(6).reshape(3, 2)
    torch.testing.assert_close(gather_in_sampler_order(rows, 3), rows)


def test_hook_refuses_samplers_it_cannot_gather():
    loader = dict(batch_size=2, dataset=dict(type='SyntheticSkeletonDataset'))
    with pytest.raises(ValueError, match='round_up=True'):
        KNNMonitorHook(dict(loader, sampler=dict(type='DefaultSampler', round_up=False)), loader)


def _gather_worker(rank: int, world_size: int, port: int, size: int, queue) -> None:
    """One gloo rank: embed 'features' = sampler indices, gather them back."""
    import torch.distributed as torch_dist
    from mmengine.dataset import DefaultSampler

    torch_dist.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=world_size
    )
    sampler = DefaultSampler(list(range(size)), shuffle=False)
    local = torch.tensor(list(sampler))
    gathered = gather_in_sampler_order(torch.stack([local, 10 * local], dim=1), size)
    queue.put((rank, len(local), gathered.tolist()))
    torch_dist.destroy_process_group()


@pytest.mark.slow
def test_gather_over_two_ranks_restores_dataset_order_without_padding():
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as free:
        free.bind(('127.0.0.1', 0))
        port = free.getsockname()[1]
    context = mp.get_context('spawn')
    queue = context.Queue()
    size = 5  # 3 per rank after padding: rank 0 gets 0, 2, 4; rank 1 gets 1, 3, 0 (padding)
    workers = [
        context.Process(target=_gather_worker, args=(rank, 2, port, size, queue))
        for rank in range(2)
    ]
    for worker in workers:
        worker.start()
    results = sorted(queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    expected = [[i, 10 * i] for i in range(size)]
    assert results == [(0, 3, expected), (1, 3, expected)]


def tiny_demo_config(work_dir, with_monitor: bool):
    """The demo config shrunk to 2 epochs x 2 iterations and 20 labelled clips per split."""
    cfg = Config.fromfile(str(REPO / 'configs' / 'demo' / 'mamp_pretrain_demo.py'))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_epochs = 2
    cfg.param_scheduler = None  # constant lr: the schedule is not under test
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    cfg.train_dataloader.batch_sampler.global_batch_size = 10
    cfg.train_dataloader.dataset.num_per_class = 2
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 100
    hook = cfg.custom_hooks[0]
    hook.interval = 1
    for loader in (hook.train_dataloader, hook.val_dataloader):
        loader.dataset.num_per_class = 2
    if not with_monitor:
        cfg.custom_hooks = []
    return cfg


def scalar_records(runner) -> list:
    path = Path(runner.log_dir) / 'vis_data' / 'scalars.json'
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.slow
def test_hook_in_a_training_run(tmp_path):
    runner = Runner.from_cfg(tiny_demo_config(tmp_path / 'with', with_monitor=True))
    runner.train()
    records = scalar_records(runner)
    knn = [r for r in records if 'knn/top1' in r]
    assert [r['step'] for r in knn] == [2, 4]  # after each epoch of 2 iterations
    (baseline,) = [r for r in records if 'knn_random_init/top1' in r]
    assert baseline['step'] == 4
    assert runner.message_hub.get_scalar('knn/top1').current() == knn[-1]['knn/top1']

    # the logged accuracy is the k-NN of the trained encoder's pooled features
    hook = runner.hooks[[type(h).__name__ for h in runner.hooks].index('KNNMonitorHook')]
    encoder = runner.model.backbone.eval()
    pooled = {}
    for split in ('train', 'val'):
        loader = hook._loaders[split]
        batches = [runner.model.data_preprocessor(batch, False) for batch in loader]
        with torch.no_grad():
            features = [pool_encoder_features(encoder(b['inputs'][:, 0])) for b in batches]
        labels = [torch.cat([s.gt_label for s in b['data_samples']]) for b in batches]
        pooled[split] = torch.cat(features), torch.cat(labels)
    scores = knn_class_scores(*pooled['train'], pooled['val'][0], num_classes=10)
    expected = topk_accuracy(scores, pooled['val'][1])
    assert knn[-1]['knn/top1'] == pytest.approx(100 * expected[1])
    assert knn[-1]['knn/top5'] == pytest.approx(100 * expected[5])

    # the monitor leaves the random streams alone: same losses without it
    plain = Runner.from_cfg(tiny_demo_config(tmp_path / 'without', with_monitor=False))
    plain.train()
    losses = [r['loss'] for r in records if 'loss' in r]
    assert len(losses) == 4
    assert losses == [r['loss'] for r in scalar_records(plain) if 'loss' in r]


def test_ntu60_knn_config_keeps_the_recipe_and_reads_the_labelled_splits(tmp_path):
    configs = REPO / 'configs' / 'skeleton' / 'mamp'
    base = Config.fromfile(str(configs / 'mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'))
    monitored = Config.fromfile(str(configs / 'mamp_vit_4xb32-400e-knn_ntu60-xsub-keypoint-3d.py'))
    for key in ('model', 'optim_wrapper', 'param_scheduler', 'train_dataloader', 'train_cfg'):
        assert monitored[key] == base[key]

    data = build_pose_annotations(num_train_per_class=3, num_val_per_class=2)
    data['split'] = dict(xsub_train=data['split']['train'], xsub_val=data['split']['val'])
    ann_file = tmp_path / 'ntu60_3d.pkl'
    ann_file.write_bytes(pickle.dumps(data))
    hook_cfg = monitored.custom_hooks[0]
    assert len(monitored.custom_hooks) == 1  # the run guards are default hooks
    assert (hook_cfg.type, hook_cfg.interval) == ('KNNMonitorHook', 20)
    loaders = (hook_cfg.train_dataloader, hook_cfg.val_dataloader)
    for loader in loaders:
        loader.dataset.ann_file = str(ann_file)
    loaders[0].dataset.indices = 5  # the config keeps the first 10,000 training clips
    sizes = []
    for loader in loaders:
        with DefaultScope.overwrite_default_scope('mmaction'):
            dataset = DATASETS.build(loader.dataset)
            item = dataset[0]
        sizes.append(len(dataset))
        assert item['inputs'].shape == (1, 2, 120, 25, 3)  # test crop, two persons
        assert 'mask' not in item['data_samples']
    assert sizes == [5, 20]
    assert isinstance(HOOKS.build(hook_cfg), KNNMonitorHook)
