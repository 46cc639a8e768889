"""Class names of NTU RGB+D 60 / 120 and PKU-MMD, and label-map files.

mmaction2's label-map files (``tools/data/skeleton/label_map_ntu60.txt``, one name per
line) are read as they are, but its wheel ships none and it has none for PKU-MMD, so the
datasets' own action lists are built in, in label order: NTU RGB+D as listed by its
authors (Shahroudy et al., CVPR 2016; Liu et al., TPAMI 2019; NTU-60 is the first 60 of
NTU-120), PKU-MMD's 51 actions (Liu et al., 2017) alphabetically. As a file for mmaction2's
``demo/demo_skeleton.py --label-map``: ``python -m mmaction_mamp.apis.label_maps ntu60``.
"""

import sys
from pathlib import Path
from typing import List, Optional

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
    names = BUILTIN_LABEL_MAPS.get(label_map)
    if names is None:
        lines = Path(label_map).read_text(encoding='utf-8').splitlines()
        names = [line.strip() for line in lines if line.strip()]
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
