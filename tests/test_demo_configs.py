"""Demo configs read as the zoo's do (issue 22 item 5): the leaf, a sibling demo it inherits,
the shared runtime and the embedded demo data; no model or schedule fragments under _base_."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BASE = REPO / 'configs' / '_base_'
DEMO_DATA = {BASE / 'datasets' / name for name in ('synthetic_skeletons.py', 'pose2d_pipelines.py')}
RUNTIME = BASE / 'default_runtime.py'


def read_files(config: Path) -> list:
    """The files a config is read from: itself, then its ``_base_`` chain (depth first)."""
    files = [config]
    for node in ast.parse(config.read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ['_base_']:
            names = ast.literal_eval(node.value)
            for name in [names] if isinstance(names, str) else names:
                files += read_files((config.parent / name).resolve())
    return files


@pytest.mark.parametrize(
    'config', sorted((REPO / 'configs' / 'demo').glob('*.py')), ids=lambda path: path.stem
)
def test_a_demo_reads_in_its_leaf_a_sibling_the_runtime_and_the_demo_data(config):
    files = read_files(config)
    assert RUNTIME in files
    others = [path for path in files if path not in DEMO_DATA | {RUNTIME}]
    assert all(path.parent == config.parent for path in others), files
    assert len(others) <= 2, files


def test_base_holds_only_the_runtime_and_the_demo_data():
    assert set(BASE.rglob('*.py')) == DEMO_DATA | {RUNTIME}
