"""Dataset side of the pre-flight check: check on load, stop or skip bad clips."""

from __future__ import annotations

import logging
from typing import List, Optional

from mmengine.dist import get_rank
from mmengine.logging import print_log

from ..utils.atomic_file import atomic_write_bytes
from .sample_checks import SampleRequirements, bad_sample_report, find_bad_samples

REPORT_LIMIT = 50  # bad clips listed in the error message / log (the skip file has all)


class PreflightCheckMixin:
    """Check every annotation when the dataset loads (before any iteration).

    By default a bad annotation stops the run with every bad clip and its
    reason listed. With ``skip_bad_samples=True`` they are written to
    ``bad_sample_file`` (one ``name<TAB>reason`` per line), their count is
    logged and the dataset keeps the rest.

    Args:
        sample_requirements: fields of :class:`SampleRequirements`
            (``tools/train.py`` derives them from the config's model and pipeline).
        skip_bad_samples: drop bad annotations instead of raising.
        bad_sample_file: where skip mode lists the dropped annotations.
    """

    def __init__(
        self,
        *args,
        sample_requirements: Optional[dict] = None,
        skip_bad_samples: bool = False,
        bad_sample_file: Optional[str] = None,
        **kwargs,
    ) -> None:
        self.sample_requirements = SampleRequirements(**(sample_requirements or {}))
        self.skip_bad_samples = skip_bad_samples
        self.bad_sample_file = bad_sample_file
        super().__init__(*args, **kwargs)

    def annotation_source(self) -> str:
        """The annotation file and split, for messages."""
        split = getattr(self, 'split', None)
        source = self.ann_file or type(self).__name__
        return source if split is None else f'{source} (split {split!r})'

    def filter_data(self) -> List[dict]:
        """The parent's filtering, then the pre-flight check."""
        data_list = super().filter_data()
        source = self.annotation_source()
        if not data_list:
            raise ValueError(f'{source}: the annotation list is empty')
        bad = find_bad_samples(data_list, self.sample_requirements)
        if bad and not self.skip_bad_samples:
            raise ValueError(
                bad_sample_report(bad, source, REPORT_LIMIT)
                + '\nFix or remove them, or train on the rest with skip mode '
                '(tools/train.py --skip-bad-samples).'
            )
        if bad:
            self._record_skipped(bad, source)
            dropped = {sample.position for sample in bad}
            data_list = [item for i, item in enumerate(data_list) if i not in dropped]
            if not data_list:
                raise ValueError(f'{source}: every annotation is bad, nothing left to train on')
        print_log(
            f'Pre-flight check of {source}: {len(data_list) + len(bad)} samples, '
            f'{len(bad)} skipped',
            logger='current',
        )
        return data_list

    def _record_skipped(self, bad, source: str) -> None:
        """Write the skip list (rank 0) and log the count."""
        where = ''
        if self.bad_sample_file and get_rank() == 0:
            lines = ''.join(f'{sample.name}\t{sample.reason}\n' for sample in bad)
            atomic_write_bytes(self.bad_sample_file, lines.encode())
            where = f', listed in {self.bad_sample_file}'
        print_log(
            f'Skip mode: training without {len(bad)} bad sample(s){where}\n'
            + bad_sample_report(bad, source, REPORT_LIMIT),
            logger='current',
            level=logging.WARNING,
        )
