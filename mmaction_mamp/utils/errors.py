"""Errors that stop a run for a reason the user must fix, each with a message saying what.

Registered parts (datasets, samplers, hooks) raise them before the first iteration
(bad data, inconsistent config, unreadable or unsafe checkpoint, a work dir in use) or
when training goes wrong (divergence). Raised anywhere, they carry the whole story in
their message; ``MAMPRunner`` prints that message as one ``error:`` line and exits with
:attr:`RunRefused.exit_code` instead of a traceback.
"""

from typing import Optional


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
    """The original :class:`RunRefused` behind ``error``, or None.

    mmengine's registry re-raises a build error as the same type with the class name
    prefixed (``class `X` in module: ...``), once per nesting level, while handling it;
    the original, un-prefixed message is the deepest one of that implicit
    (``__context__``) chain. An explicit ``raise ... from`` is a message of its own and
    is kept.
    """
    found = None
    while isinstance(error, RunRefused):
        found = error
        if error.__cause__ is not None:
            break
        error = error.__context__
    return found
