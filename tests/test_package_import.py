"""``import mmaction_mamp`` registers components and does nothing else: no output, no changed
warning filters, no data preparation or scipy loaded."""

import json
import os
import subprocess
import sys

import pytest

# mmaction2 itself loads scipy and tqdm, so the probe looks at what the plugin's own modules
# load and hold: no preparation module, no scipy / tqdm object in any plugin namespace.
PROBE = """
import inspect, json, sys
import mmaction_mamp
plugin = {name: module for name, module in sys.modules.items() if name.startswith('mmaction_mamp')}
borrowed = sorted(
    f'{name}.{attr}'
    for name, module in plugin.items()
    for attr, value in vars(module).items()
    if getattr(inspect.getmodule(value), '__name__', '').split('.')[0] in ('scipy', 'tqdm')
)
print(json.dumps(dict(modules=sorted(plugin), borrowed=borrowed)))
"""


@pytest.mark.slow
def test_import_loads_no_data_preparation_and_no_scipy(repo_root):
    result = subprocess.run(
        [sys.executable, '-c', PROBE], cwd=repo_root, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert 'mmaction_mamp.datasets.synthetic.scene' in loaded['modules']
    assert [name for name in loaded['modules'] if 'preparation' in name] == []
    assert loaded['borrowed'] == []


@pytest.mark.slow
def test_importing_the_plugin_prints_nothing_and_keeps_warning_filters(repo_root):
    code = (
        'import warnings; before = list(warnings.filters); import mmaction_mamp; '
        'assert warnings.filters == before, "warning filters changed"'
    )
    proc = subprocess.run(
        [sys.executable, '-c', code],
        env=dict(os.environ, PYTHONPATH=str(repo_root)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == '' and proc.stdout == ''
