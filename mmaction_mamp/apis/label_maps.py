"""Class names of NTU RGB+D 60 / 120 and PKU-MMD, and label-map files (one name per line,
as mmaction2's). mmaction2's wheel ships none and has none for PKU-MMD, so the action
lists ship as package data (``class_names/*.txt``) in label order; as a file for
``demo/demo_skeleton.py --label-map``: ``python -m mmaction_mamp.apis.label_maps ntu60``."""

import sys
from pathlib import Path
from typing import List, Optional, Tuple


def read_label_map(path: Path) -> Tuple[str, ...]:
    """The non-blank lines of a label-map file, stripped, in order."""
    lines = Path(path).read_text(encoding='utf-8').splitlines()
    return tuple(line.strip() for line in lines if line.strip())


NTU120_CLASSES = read_label_map(Path(__file__).with_name('class_names') / 'ntu120.txt')
NTU60_CLASSES = NTU120_CLASSES[:60]
PKU_MMD_CLASSES = read_label_map(Path(__file__).with_name('class_names') / 'pku-mmd.txt')
BUILTIN_LABEL_MAPS = {'ntu60': NTU60_CLASSES, 'ntu120': NTU120_CLASSES, 'pku-mmd': PKU_MMD_CLASSES}


def resolve_label_map(label_map: Optional[str], num_classes: int) -> List[str]:
    """Class names for a model of ``num_classes`` classes.

    Args:
        label_map: a built-in name (``ntu60``, ``ntu120``, ``pku-mmd``), a file of one
            name per line, or None (the names are the class indices).
        num_classes: the model's class count K.

    Raises:
        ValueError: the map has another number of names than K.
    """
    if label_map is None:
        return [str(index) for index in range(num_classes)]
    names = BUILTIN_LABEL_MAPS.get(label_map) or read_label_map(Path(label_map))
    if len(names) != num_classes:
        raise ValueError(
            f'label map {label_map} has {len(names)} names, the model has {num_classes} classes'
        )
    return list(names)


if __name__ == '__main__':
    if sys.argv[1:] not in [[name] for name in BUILTIN_LABEL_MAPS]:
        sys.exit(
            f'usage: python -m mmaction_mamp.apis.label_maps {{{",".join(BUILTIN_LABEL_MAPS)}}}'
        )
    print('\n'.join(BUILTIN_LABEL_MAPS[sys.argv[1]]))
