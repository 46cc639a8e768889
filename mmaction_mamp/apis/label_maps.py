"""Class names of NTU RGB+D 60 / 120 and PKU-MMD, and custom label-map files.

The names are the datasets' own action lists, in label order (label 0 is action A1 /
PKU-MMD action 1): NTU RGB+D as listed by its authors (Shahroudy et al., CVPR 2016; Liu
et al., TPAMI 2019; NTU-60 is the first 60 of NTU-120), PKU-MMD's 51 actions (Liu et al.,
2017) in its label order (alphabetical).

Print one as a label-map file (one name per line, the format mmaction2's
``demo/demo_skeleton.py --label-map`` reads)::

    python -m mmaction_mamp.apis.label_maps ntu60 > label_map_ntu60.txt
"""

import sys
from pathlib import Path
from typing import List, Optional, Sequence, Union

NTU120_CLASSES = (
    'drink water', 'eat meal/snack', 'brushing teeth', 'brushing hair', 'drop', 'pickup',
    'throw', 'sitting down', 'standing up (from sitting position)', 'clapping', 'reading',
    'writing', 'tear up paper', 'wear jacket', 'take off jacket', 'wear a shoe',
    'take off a shoe', 'wear on glasses', 'take off glasses', 'put on a hat/cap',
    'take off a hat/cap', 'cheer up', 'hand waving', 'kicking something',
    'put something inside pocket / take out something from pocket',
    'hopping (one foot jumping)', 'jump up', 'make a phone call/answer phone',
    'playing with phone/tablet', 'typing on a keyboard', 'pointing to something with finger',
    'taking a selfie', 'check time (from watch)', 'rub two hands together', 'nod head/bow',
    'shake head', 'wipe face', 'salute', 'put the palms together',
    'cross hands in front (say stop)', 'sneeze/cough', 'staggering', 'falling',
    'touch head (headache)', 'touch chest (stomachache/heart pain)', 'touch back (backache)',
    'touch neck (neckache)', 'nausea or vomiting condition',
    'use a fan (with hand or paper)/feeling warm', 'punching/slapping other person',
    'kicking other person', 'pushing other person', 'pat on back of other person',
    'point finger at the other person', 'hugging other person',
    'giving something to other person', "touch other person's pocket", 'handshaking',
    'walking towards each other', 'walking apart from each other',
    # NTU RGB+D 120 only (A61-A120)
    'put on headphone', 'take off headphone', 'shoot at the basket', 'bounce ball',
    'tennis bat swing', 'juggling table tennis balls', 'hush (quiet)', 'flick hair',
    'thumb up', 'thumb down', 'make ok sign', 'make victory sign', 'staple book',
    'counting money', 'cutting nails', 'cutting paper (using scissors)', 'snapping fingers',
    'open bottle', 'sniff (smell)', 'squat down', 'toss a coin', 'fold paper',
    'ball up paper', 'play magic cube', 'apply cream on face', 'apply cream on hand back',
    'put on bag', 'take off bag', 'put something into a bag', 'take something out of a bag',
    'open a box', 'move heavy objects', 'shake fist', 'throw up cap/hat',
    'hands up (both hands)', 'cross arms', 'arm circles', 'arm swings', 'running on the spot',
    'butt kicks (kick backward)', 'cross toe touch', 'side kick', 'yawn', 'stretch oneself',
    'blow nose', 'hit other person with something', 'wield knife towards other person',
    'knock over other person (hit with body)', "grab other person's stuff",
    'shoot at other person with a gun', 'step on foot', 'high-five', 'cheers and drink',
    'carry something with other person', 'take a photo of other person',
    'follow other person', "whisper in other person's ear",
    'exchange things with other person', "support somebody with one's hand",
    'finger-guessing game (playing rock-paper-scissors)',
)  # fmt: skip
NTU60_CLASSES = NTU120_CLASSES[:60]
PKU_MMD_CLASSES = (
    'bow', 'brushing hair', 'brushing teeth', 'check time (from watch)', 'cheer up',
    'clapping', 'cross hands in front (say stop)', 'drink water', 'drop', 'eat meal/snack',
    'falling', 'giving something to other person', 'hand waving', 'handshaking',
    'hopping (one foot jumping)', 'hugging other person', 'jump up', 'kicking other person',
    'kicking something', 'make a phone call/answer phone', 'pat on back of other person',
    'pickup', 'playing with phone/tablet', 'point finger at the other person',
    'pointing to something with finger', 'punching/slapping other person',
    'pushing other person', 'put on a hat/cap', 'put something inside pocket', 'reading',
    'rub two hands together', 'salute', 'sitting down', 'standing up', 'take off a hat/cap',
    'take off glasses', 'take off jacket', 'take out something from pocket',
    'taking a selfie', 'tear up paper', 'throw', 'touch back (backache)',
    'touch chest (stomachache/heart pain)', 'touch head (headache)', 'touch neck (neckache)',
    'typing on a keyboard', 'use a fan (with hand or paper)/feeling warm', 'wear jacket',
    'wear on glasses', 'wipe face', 'writing',
)  # fmt: skip
BUILTIN_LABEL_MAPS = {
    'ntu60': NTU60_CLASSES,
    'ntu120': NTU120_CLASSES,
    'pku-mmd': PKU_MMD_CLASSES,
}


def read_label_map(path: Union[str, Path]) -> List[str]:
    """Class names from a file of one name per line (blank lines ignored).

    Raises:
        ValueError: the file names no class.
    """
    names = [line.strip() for line in Path(path).read_text(encoding='utf-8').splitlines()]
    names = [name for name in names if name]
    if not names:
        raise ValueError(f'label map {path} names no class')
    return names


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
    if label_map in BUILTIN_LABEL_MAPS:
        names = list(BUILTIN_LABEL_MAPS[label_map])
    else:
        names = read_label_map(label_map)
    if len(names) != num_classes:
        raise ValueError(
            f'label map {label_map} has {len(names)} names, the model has {num_classes} classes'
        )
    return names


def main(argv: Sequence[str]) -> int:
    """Print a built-in label map, one name per line."""
    if len(argv) != 1 or argv[0] not in BUILTIN_LABEL_MAPS:
        print(f'usage: python -m mmaction_mamp.apis.label_maps {{{",".join(BUILTIN_LABEL_MAPS)}}}')
        return 2
    print('\n'.join(BUILTIN_LABEL_MAPS[argv[0]]))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
