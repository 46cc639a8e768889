"""Errors that stop a run for a reason the user must fix, the whole story in their message;
:func:`ends_in_one_line` turns them into one ``error:`` line and an exit status."""

import functools
import os
import sys
import time
from typing import Callable, Optional

import torch.distributed as dist

#: Exit status of a run whose collective timed out (a stuck or dead peer).
PEER_TIMEOUT_STATUS = 4
#: Seconds a process other than the first waits before reporting (the first reports it too).
REPORT_GRACE_S = 5


class RunRefused(Exception):
    """Base class: the run cannot start or continue; the message says what to change."""

    exit_code = 2


class RunConfigError(RunRefused, ValueError):
    """The config contradicts itself or the data (batch, joints, classes, ...)."""


class DataCheckError(RunRefused, ValueError):
    """Annotations that cannot be trained or evaluated on (every bad clip is listed)."""


class AnnotationFileError(RunRefused, FileNotFoundError):
    """An annotation file is missing, not a file, unreadable or refused."""


class CheckpointError(RunRefused, ValueError):
    """A checkpoint cannot be read, or would run code when read."""


class WorkDirLocked(RunRefused, RuntimeError):
    """Another live run holds the work dir."""


class TrainingDiverged(RunRefused, FloatingPointError):
    """The loss (or gradient norm) became non-finite."""

    exit_code = 3


def innermost_refusal(error: BaseException) -> Optional[RunRefused]:
    """The original :class:`RunRefused` behind ``error``, or None: the deepest of the implicit
    (``__context__``) chain mmengine's registry makes, re-raising a build error with the
    class name prefixed once per nesting level; a ``raise ... from`` is kept."""
    found = None
    while isinstance(error, RunRefused):
        found = error
        if error.__cause__ is not None:
            break
        error = error.__context__
    return found


def launch_rank() -> int:
    """This process's rank as its launcher set it (known before any process group)."""
    return int(os.environ.get('RANK') or os.environ.get('SLURM_PROCID') or 0)


def ends_in_one_line(entry_point: Callable) -> Callable:
    """The one place where a run's known failures, a :class:`RunRefused` (its ``exit_code``)
    or a timed-out collective (:data:`PEER_TIMEOUT_STATUS`), become ``error: <message>`` on
    stderr and a ``SystemExit``, around the entry points every launcher calls
    (``MAMPRunner.from_cfg``, ``train``, ``test``). Other exceptions pass unchanged."""

    @functools.wraps(entry_point)
    def run(*args, **kwargs):
        try:
            return entry_point(*args, **kwargs)
        except (RunRefused, RuntimeError) as error:
            refusal = innermost_refusal(error)
            if refusal is not None:
                line, status = str(refusal), refusal.exit_code
            elif dist.is_available() and dist.is_initialized() and 'Timed out' in str(error):
                line = (
                    f'rank {launch_rank()} timed out waiting for another process in a '
                    'collective: a peer is stuck or dead, the run stops '
                    '(env_cfg.dist_cfg.timeout sets the wait)'
                )
                status = PEER_TIMEOUT_STATUS
            else:
                raise
            if launch_rank() != 0:
                time.sleep(REPORT_GRACE_S)
            print(f'error: {line}', file=sys.stderr, flush=True)
            raise SystemExit(status) from error

    return run
