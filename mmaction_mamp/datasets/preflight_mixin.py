"""Dataset side of the pre-flight check: summarise and check clips on load, or skip bad ones."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import List, Optional

from mmengine.dist import get_rank
from mmengine.logging import print_log

from ..utils.atomic_file import atomic_write_bytes
from ..utils.errors import DataCheckError
from .sample_checks import (
    BadSample,
    ClipSummary,
    SampleRequirements,
    bad_sample_report,
    bad_samples_of,
    pipeline_min_valid_frames,
    summarize_clips,
)

REPORT_LIMIT = 50  # bad clips listed in the error message / log (the skip file has all)


class PreflightCheckMixin:
    """Check every annotation when the dataset loads (before any iteration).

    After mmengine's loading, filtering and subset selection (and before the list is
    serialised), every annotation is summarised once (:func:`summarize_clips`, kept as
    ``clip_summary`` for the runtime's model-aware check, ``SkeletonDataCheckHook``) and
    checked against ``sample_requirements`` and the valid frames its pipeline's steps need
    (``min_valid_frames``). By default a bad annotation stops the run
    with every bad clip and its reason listed. With ``skip_bad_samples=True`` they are
    written to ``bad_sample_file`` (one ``name<TAB>reason`` per line), their count is
    logged and the dataset keeps the rest; skip mode drops clips only at load, so state
    there any other need of the model (e.g. ``sample_requirements=dict(num_joints=25)``).

    Args:
        sample_requirements: fields of :class:`SampleRequirements` checked on load.
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
        self.clip_summary: Optional[ClipSummary] = None
        super().__init__(*args, **kwargs)

    def annotation_source(self) -> str:
        """The annotation file and split, for messages."""
        split = getattr(self, 'split', None)
        source = self.ann_file or type(self).__name__
        return source if split is None else f'{source} (split {split!r})'

    def full_init(self) -> None:
        """mmengine's loading, then the check, then serialisation."""
        if self._fully_initialized:
            return
        serialize, self.serialize_data = self.serialize_data, False
        super().full_init()
        self.serialize_data = serialize
        self.data_list = self._checked(self.data_list)
        if serialize:
            self.data_bytes, self.data_address = self._serialize_data()

    def _checked(self, data_list: List[dict]) -> List[dict]:
        source = self.annotation_source()
        if not data_list:
            raise DataCheckError(f'{source}: the annotation list is empty')
        summary = summarize_clips(data_list)
        bad = bad_samples_of(summary, self._requirements())
        if bad and not self.skip_bad_samples:
            raise DataCheckError(
                bad_sample_report(bad, source, REPORT_LIMIT)
                + '\nFix or remove them, or train on the rest with skip mode '
                f'(--cfg-options {self._config_key()}.skip_bad_samples=True).'
            )
        if bad:
            self._record_skipped(bad, source)
            dropped = {sample.position for sample in bad}
            kept = [i for i in range(len(data_list)) if i not in dropped]
            if not kept:
                raise DataCheckError(f'{source}: every annotation is bad, nothing left to train on')
            data_list, summary = [data_list[i] for i in kept], summary.subset(kept)
        self.clip_summary = summary
        print_log(
            f'Pre-flight check of {source}: {len(data_list) + len(bad)} samples, '
            f'{len(bad)} skipped',
            logger='current',
        )
        return data_list

    def _requirements(self) -> SampleRequirements:
        """``sample_requirements``, with the valid frames this dataset's pipeline needs."""
        needed = pipeline_min_valid_frames(self.pipeline)
        stated = self.sample_requirements
        return replace(stated, min_valid_frames=max(stated.min_valid_frames, needed))

    def _config_key(self) -> str:
        return 'train_dataloader.dataset' if not self.test_mode else 'val_dataloader.dataset'

    def _record_skipped(self, bad: List[BadSample], source: str) -> None:
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
