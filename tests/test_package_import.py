"""``import mmaction_mamp`` registers components and does nothing else: no output, no changed
warning filters, no data preparation or scipy loaded."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# mmaction2 itself loads scipy and tqdm, so the probe looks at what the plugin's own modules
# load and hold: no preparation module, no scipy / tqdm object in any plugin namespace. It
# writes its findings to a file: what the import prints is checked too.
PROBE = """
import inspect, json, sys, warnings
before = list(warnings.filters)
import mmaction_mamp
filters_kept = warnings.filters == before
plugin = {name: module for name, module in sys.modules.items() if name.startswith('mmaction_mamp')}
borrowed = sorted(
    f'{name}.{attr}'
    for name, module in plugin.items()
    for attr, value in vars(module).items()
    if getattr(inspect.getmodule(value), '__name__', '').split('.')[0] in ('scipy', 'tqdm')
)
with open(sys.argv[1], 'w') as out:
    json.dump(dict(modules=sorted(plugin), borrowed=borrowed, filters_kept=filters_kept), out)
"""


@pytest.fixture(scope='module')
def probe(tmp_path_factory) -> dict:
    """``import mmaction_mamp`` in a fresh interpreter: its output and what it loaded."""
    found = tmp_path_factory.mktemp('probe') / 'found.json'
    proc = subprocess.run(
        [sys.executable, '-c', PROBE, str(found)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(found.read_text()), stdout=proc.stdout, stderr=proc.stderr)


@pytest.mark.slow
def test_import_loads_no_data_preparation_and_no_scipy(probe):
    assert 'mmaction_mamp.datasets.synthetic.scene' in probe['modules']
    assert [name for name in probe['modules'] if 'preparation' in name] == []
    assert probe['borrowed'] == []


@pytest.mark.slow
def test_importing_the_plugin_prints_nothing_and_keeps_warning_filters(probe):
    assert probe['filters_kept'], 'warning filters changed'
    assert probe['stderr'] == '' and probe['stdout'] == ''
