"""Model zoo: model-index.yml and the metafile match the config tree, and every downstream
config reads the checkpoint its pre-training config writes (one path, no override)."""

import ast
import os.path as osp
from pathlib import Path

import pytest
import yaml
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[1]
ZOO_FOLDERS = ('skeleton/mamp', 'mixing')
MAMP = 'configs/skeleton/mamp'
# (linear probe, fine-tune) top-1: the paper / the authors' released checkpoints
PAPER = {
    'ntu60-xsub': ((84.9, 85.0), (93.1, 93.0)),
    'ntu60-xview': ((89.1, 89.0), (97.5, 97.5)),
    'ntu120-xsub': ((78.6, 78.1), (90.0, 89.8)),
    'ntu120-xset': ((79.1, 79.5), (91.3, 91.5)),
}


def zoo_configs() -> list:
    return sorted(
        str(path.relative_to(REPO))
        for folder in ZOO_FOLDERS
        for path in (REPO / 'configs' / folder).glob('*.py')
    )


def metafile_models() -> dict:
    index = yaml.safe_load((REPO / 'model-index.yml').read_text())
    models = {}
    for metafile in index['Import']:
        for model in yaml.safe_load((REPO / metafile).read_text())['Models']:
            assert model['Config'] not in models, model['Config']
            models[model['Config']] = model
    return models


def default_work_dir(config: str) -> str:
    """Where tools/train.py writes without --work-dir."""
    cfg = Config.fromfile(str(REPO / config))
    work_dir = cfg.get('work_dir') or osp.join('work_dirs', Path(config).stem)
    return osp.normpath(work_dir)


def last_checkpoint(config: str) -> str:
    cfg = Config.fromfile(str(REPO / config))
    return osp.join(default_work_dir(config), f'epoch_{cfg.train_cfg.max_epochs}.pth')


def read_files(config: Path) -> list:
    """The files a config is read from: itself, then its ``_base_`` chain (depth first)."""
    tree = ast.parse(config.read_text())
    bases = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ['_base_']
    ]
    files = [config]
    for base in bases:
        names = ast.literal_eval(base)
        for name in [names] if isinstance(names, str) else names:
            files += read_files((config.parent / name).resolve())
    return files


@pytest.mark.parametrize('config', [c for c in zoo_configs() if 'stgcn-recipe' not in c])
def test_a_recipe_reads_in_its_leaf_its_siblings_and_the_runtime(config):
    """As mmaction2's ST-GCN recipes: no model / data / schedule fragments under _base_."""
    files = read_files(REPO / config)
    assert files[-1] == REPO / 'configs/_base_/default_runtime.py'
    assert all(path.parent.name in ('mamp', 'mixing') for path in files[:-1]), files
    assert len(files) <= 4


def test_model_index_imports_a_metafile_with_every_config_of_the_tree():
    models = metafile_models()
    assert sorted(models) == zoo_configs()
    for config, model in models.items():
        assert model['Name'] == Path(config).stem and model['In Collection'] == 'MAMP'
        assert (REPO / config).is_file()
        pretrain = model['Metadata'].get('Pretrain Config')
        assert pretrain is None or pretrain in models, config


def test_headline_pretraining_writes_where_the_ntu60_xsub_configs_read():
    canonical = 'work_dirs/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d'
    assert default_work_dir('configs/mamp_pretrain_ntu60.py') == canonical
    assert last_checkpoint('configs/mamp_pretrain_ntu60.py') == last_checkpoint(
        'configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-3d.py'
    )


@pytest.mark.parametrize(
    'config',
    [c for c in zoo_configs() if not Path(c).stem.startswith(('mamp', 'vit_stgcn-pipeline'))]
    + ['configs/demo/mamp_linear_demo.py', 'configs/demo/mamp_finetune_demo.py'],
)
def test_downstream_config_reads_the_checkpoint_its_pretraining_writes(config):
    cfg = Config.fromfile(str(REPO / config))
    pretrain = metafile_models().get(config, {}).get('Metadata', {}).get('Pretrain Config')
    pretrain = pretrain or 'configs/demo/mamp_pretrain_demo.py'
    assert cfg.model.backbone.init_cfg.checkpoint == last_checkpoint(pretrain)


def test_paper_results_and_official_weights_of_the_ntu_entries():
    models = metafile_models()
    for data, ((linear, linear_released), (finetune, finetune_released)) in PAPER.items():
        for protocol, paper, released in (
            ('linear-4xb128', linear, linear_released),
            ('finetune-4xb24', finetune, finetune_released),
        ):
            model = models[f'{MAMP}/vit_mamp-{data}-pre_{protocol}-100e_{data}-keypoint-3d.py']
            (result,) = model['Results']
            assert result['Metrics'] == {
                'Top 1 Accuracy': paper,
                'Top 1 Accuracy (released checkpoint)': released,
            }
            assert model['Weights'].startswith('convert from the official ')
        pretrain = models[f'{MAMP}/mamp_vit_4xb32-400e_{data}-keypoint-3d.py']
        metrics = [result['Metrics'] for result in pretrain['Results']]
        assert metrics[0]['Top 1 Accuracy (linear probe)'] == linear
        assert metrics[1]['Top 1 Accuracy (fine-tune)'] == finetune
        assert pretrain['Weights'].endswith(
            '_ep400_noamp/checkpoint-399.pth (https://github.com/maoyunyao/MAMP)'
        )
