"""Train with mmaction2's own command line: its packaged ``tools/train.py``, unchanged.

Everything a MAMP run needs comes from the config (``runner_type = 'MAMPRunner'`` and
the default hooks of ``configs/_base_/default_runtime.py``), so this file only runs
mmaction2's ``train.py`` (``mmaction/.mim/tools/train.py``, what ``mim train mmaction``
runs) with the same arguments. One difference: mmaction2's script ignores ``--seed``,
``--diff-rank-seed`` and ``--deterministic`` when the config sets ``randomness`` (every
MAMP config does); here they are passed on as the ``--cfg-options`` that mmaction2's
script honours (``randomness.seed=N`` ...).

Example::

    python tools/train.py configs/mamp_pretrain_ntu60.py --work-dir work_dirs/mamp
    bash tools/dist_train.sh configs/mamp_pretrain_ntu60.py 8
"""

import os.path as osp
import runpy
import sys
from typing import List

import mmaction

RANDOMNESS_FLAGS = {'--diff-rank-seed': 'diff_rank_seed', '--deterministic': 'deterministic'}


def mmaction_tool(name: str) -> str:
    """Path of a script mmaction2 ships in its wheel (``mmaction/.mim/tools/<name>``)."""
    path = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools', name)
    if not osp.isfile(path):
        sys.exit(f'error: {path} not found; reinstall mmaction2 (pip install mmaction2)')
    return path


def randomness_as_cfg_options(argv: List[str]) -> List[str]:
    """``argv`` with ``--seed N`` and the randomness flags moved into ``--cfg-options``."""
    rest, options, index = [], [], 0
    while index < len(argv):
        arg = argv[index]
        if arg == '--seed' and index + 1 < len(argv):
            options.append(f'randomness.seed={argv[index + 1]}')
            index += 2
            continue
        if arg.startswith('--seed='):
            options.append(f'randomness.seed={arg.split("=", 1)[1]}')
        elif arg in RANDOMNESS_FLAGS:
            options.append(f'randomness.{RANDOMNESS_FLAGS[arg]}=True')
        else:
            rest.append(arg)
        index += 1
    if not options:
        return rest
    if '--cfg-options' in rest:
        position = rest.index('--cfg-options') + 1
        return rest[:position] + options + rest[position:]
    return rest + ['--cfg-options', *options]


def run_mmaction_tool(name: str, argv: List[str]) -> None:
    """Run mmaction2's packaged script ``name`` as ``__main__`` with ``argv``."""
    script = mmaction_tool(name)
    sys.argv = [script, *argv]
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    run_mmaction_tool('train.py', randomness_as_cfg_options(sys.argv[1:]))
