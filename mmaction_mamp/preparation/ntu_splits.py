"""NTU RGB+D 60 / 120 sample metadata from file names and the official splits.

Every NTU sample is named ``SsssCcccPpppRrrrAaaa``: setup, camera, performer
(subject), replication and action ids, so no statistics files are needed.

Sources of the id lists:

* NTU RGB+D 60: A. Shahroudy, J. Liu, T.-T. Ng, G. Wang, "NTU RGB+D: A Large
  Scale Dataset for 3D Human Activity Analysis", CVPR 2016, section 3
  ("Cross-Subject Evaluation": the 20 training subject ids listed below;
  "Cross-View Evaluation": cameras 2 and 3 for training, camera 1 for
  testing).
* NTU RGB+D 120: J. Liu, A. Shahroudy, M. Perez, G. Wang, L.-Y. Duan,
  A. C. Kot, "NTU RGB+D 120: A Large-Scale Benchmark for 3D Human Activity
  Understanding", TPAMI 2020, section 4.1 ("Cross-Subject Evaluation": the 53
  training subject ids listed below; "Cross-Setup Evaluation": even setup ids
  for training, odd for testing).

Both lists are also those of the official MAMP / CTR-GCN data scripts.
"""

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

from .records import InputFormatError, PathLike

NTU60_XSUB_TRAIN_SUBJECTS = frozenset(
    (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38)
)
NTU60_XVIEW_TRAIN_CAMERAS = frozenset((2, 3))
NTU120_XSUB_TRAIN_SUBJECTS = NTU60_XSUB_TRAIN_SUBJECTS | frozenset(
    (45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84)
    + (85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103)
)

_NAME_PATTERN = re.compile(r'S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})')


@dataclass(frozen=True)
class NtuVariant:
    """Id ranges and benchmark names of one NTU release.

    Args:
        name: ``'ntu60'`` or ``'ntu120'``.
        title: Printable dataset name.
        num_setups: Setups of the release (ids 1..num_setups).
        num_subjects: Performers (ids 1..num_subjects).
        num_actions: Action classes (ids 1..num_actions).
        benchmarks: The two official benchmarks, used as split prefixes.
        num_files: Number of ``.skeleton`` files of the full release.
        num_missing: Files without any body (the official missing list).
        xsub_train_subjects: Training performers of the cross-subject split.
    """

    name: str
    title: str
    num_setups: int
    num_subjects: int
    num_actions: int
    benchmarks: Tuple[str, str]
    num_files: int
    num_missing: int
    xsub_train_subjects: frozenset


NTU60 = NtuVariant(
    'ntu60', 'NTU RGB+D 60', 17, 40, 60, ('xsub', 'xview'), 56880, 302, NTU60_XSUB_TRAIN_SUBJECTS
)
NTU120 = NtuVariant(
    'ntu120',
    'NTU RGB+D 120',
    32,
    106,
    120,
    ('xsub', 'xset'),
    114480,
    535,
    NTU120_XSUB_TRAIN_SUBJECTS,
)
NTU_VARIANTS = {variant.name: variant for variant in (NTU60, NTU120)}


@dataclass(frozen=True)
class NtuSampleId:
    """Metadata of one NTU sample, parsed from its name.

    Args:
        setup: Setup id (1-based).
        camera: Camera id, 1..3.
        subject: Performer id (1-based).
        replication: Replication id, 1..2.
        action: Action id (1-based); the class label is ``action - 1``.
    """

    setup: int
    camera: int
    subject: int
    replication: int
    action: int

    @property
    def name(self) -> str:
        """The canonical ``SsssCcccPpppRrrrAaaa`` name."""
        return (
            f'S{self.setup:03d}C{self.camera:03d}P{self.subject:03d}'
            f'R{self.replication:03d}A{self.action:03d}'
        )

    @property
    def label(self) -> int:
        """0-based class index."""
        return self.action - 1


def parse_sample_name(name: str, path: PathLike) -> NtuSampleId:
    """Parse ``SsssCcccPpppRrrrAaaa`` (no extension).

    Raises:
        InputFormatError: category ``'unrecognised file name'``.
    """
    match = _NAME_PATTERN.fullmatch(name)
    if match is None:
        raise InputFormatError(
            path,
            None,
            'unrecognised file name',
            f'{name!r} is not of the form SsssCcccPpppRrrrAaaa',
        )
    return NtuSampleId(*(int(group) for group in match.groups()))


def belongs_to(sample: NtuSampleId, variant: NtuVariant) -> bool:
    """Whether the sample's setup is part of the release (NTU-60 = setups 1-17)."""
    return 1 <= sample.setup <= variant.num_setups


def validate_sample_id(sample: NtuSampleId, variant: NtuVariant, path: PathLike) -> None:
    """Check every id of a sample of ``variant`` against the release's ranges.

    Raises:
        InputFormatError: ``'unknown action id'`` or ``'unknown sample id'``.
    """
    if not 1 <= sample.action <= variant.num_actions:
        raise InputFormatError(
            path,
            None,
            'unknown action id',
            f'A{sample.action:03d} is not an action of {variant.title} '
            f'(expected 1-{variant.num_actions})',
        )
    checks = (
        ('camera', sample.camera, 3),
        ('performer', sample.subject, variant.num_subjects),
        ('replication', sample.replication, 2),
    )
    for field_name, value, maximum in checks:
        if not 1 <= value <= maximum:
            raise InputFormatError(
                path,
                None,
                'unknown sample id',
                f'{field_name} id {value} is outside 1-{maximum} for {variant.title}',
            )


def is_training_sample(sample: NtuSampleId, benchmark: str, variant: NtuVariant) -> bool:
    """Official protocol membership.

    Args:
        sample: Parsed sample name.
        benchmark: ``'xsub'``, ``'xview'`` or ``'xset'``.
        variant: Release whose cross-subject training list applies.
    """
    if benchmark == 'xsub':
        return sample.subject in variant.xsub_train_subjects
    if benchmark == 'xview':
        return sample.camera in NTU60_XVIEW_TRAIN_CAMERAS
    if benchmark == 'xset':
        return sample.setup % 2 == 0
    raise ValueError(f'unknown NTU benchmark {benchmark!r}')


def build_splits(samples: Iterable[NtuSampleId], variant: NtuVariant) -> Dict[str, List[str]]:
    """Split lists of the pickle: ``{benchmark}_train`` / ``{benchmark}_val``.

    Returns:
        ``dict(xsub_train=[names], xsub_val=[...], xview_train=[...],
        xview_val=[...])`` for NTU-60 (``xset_*`` instead of ``xview_*`` for
        NTU-120), names in input order.
    """
    splits: Dict[str, List[str]] = {}
    for benchmark in variant.benchmarks:
        splits[f'{benchmark}_train'] = []
        splits[f'{benchmark}_val'] = []
    for sample in samples:
        for benchmark in variant.benchmarks:
            part = 'train' if is_training_sample(sample, benchmark, variant) else 'val'
            splits[f'{benchmark}_{part}'].append(sample.name)
    return splits
