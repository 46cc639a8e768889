"""Test with mmaction2's own command line: its packaged ``tools/test.py``, unchanged.

Example::

    python tools/test.py CONFIG CHECKPOINT [--dump preds.pkl] [--cfg-options ...]
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
"""

import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from train import run_mmaction_tool  # noqa: E402

if __name__ == '__main__':
    run_mmaction_tool('test.py', sys.argv[1:])
