"""torchrun for ``dist_train.sh`` / ``dist_test.sh``, ending with the processes' own status.

torchrun reports a failed process with its own ``ChildFailedError`` traceback (~40 lines)
and exits with status 1. When the first process that failed ended with one of the
plugin's statuses (2 refused, 3 diverged, 4 stuck peer: docs/runs.md), it has printed its
one ``error:`` line: this ends there, with that status. Any other failure is reported as
torchrun reports it. Usage: ``python tools/dist_run.py [torchrun options] SCRIPT ...``.
"""

import logging
import sys

from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
from torch.distributed.run import main

PLUGIN_STATUSES = (2, 3, 4)

if __name__ == '__main__':
    # its notes on a failed process and on stopping the others (the report below has them)
    logging.getLogger('torch.distributed.elastic.multiprocessing.api').setLevel(logging.CRITICAL)
    try:
        main()
    except ChildFailedError as error:
        status = error.get_first_failure()[1].exitcode
        if status not in PLUGIN_STATUSES:
            raise
        sys.exit(status)
