"""The action library: per-class joint-angle trajectories of the synthetic demo data.

Each action fills the bone angles (added to the rest pose), body lift and backward
displacement of both persons of N samples over T frames from the sample timing
(:class:`ActionContext`).
"""

from dataclasses import dataclass
from typing import Callable, Dict, Union

import numpy as np

from .skeleton import (
    ABD,
    ARMS,
    FLEX,
    FOREARMS,
    L_ARM,
    L_FOREARM,
    L_THIGH,
    NUM_JOINTS,
    R_ARM,
    R_FOREARM,
    R_SHANK,
    R_THIGH,
    SPINE_LOW,
    TWIST,
)

FPS = 30.0
CLASS_NAMES = (
    'wave_hand', 'clap', 'punch', 'rub_hands', 'jump', 'squat', 'kick', 'march_in_place',
    'handshake', 'push',
)  # fmt: skip
TWO_PERSON_CLASSES = frozenset({'handshake', 'push'})
MIRRORED_CLASSES = frozenset({'wave_hand', 'kick'})  # done with either side
# Base repetition frequency (Hz) of each action; a sample scales it by its own speed. Slow
# enough that the motion stays smooth at the scale of a 4-frame token after the clips are
# cropped and resized (to 64-120 frames) for pre-training.
BASE_FREQ = dict(
    wave_hand=1.0, clap=1.0, punch=0.7, rub_hands=1.2, jump=0.8, squat=0.4, kick=0.5,
    march_in_place=0.7, handshake=1.2, push=1.0,
)  # fmt: skip

AngleValue = Union[float, np.ndarray]  # a constant or an (N, T) trajectory, in radians


@dataclass
class ActionContext:
    """Per-sample timing of one class batch of N samples over T frames.

    Attributes:
        phase: (N, T) oscillation angle 2 pi f t + phi in radians.
        amp: (N, 1) amplitude factor.
        env: (N, T) action envelope in [0, 1] (ramps in at the onset, out at the end).
        event: (N, T) smooth 0 -> 1 step at a random moment (one-off actions such as a push).
    """

    phase: np.ndarray
    amp: np.ndarray
    env: np.ndarray
    event: np.ndarray


@dataclass
class Action:
    """Class-specific motion of both persons of N samples over T frames.

    Attributes:
        angles: (2, N, T, 25, 3) bone angles in radians added to the rest pose, (flex, abd,
            twist) per bone; one-sided actions use the right side.
        lift: (2, N, T) height of the body above the floor in metres (jumps).
        back: (2, N, T) displacement of the body backwards in metres (being pushed).
    """

    angles: np.ndarray
    lift: np.ndarray
    back: np.ndarray


def _smoothstep(x: np.ndarray) -> np.ndarray:
    """Cubic ease 0 -> 1 for x in [0, 1], clamped outside; same shape as ``x``."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def make_context(rng: np.random.Generator, lengths: np.ndarray, freq: float) -> ActionContext:
    """Draw speed, phase, amplitude, onset and event time of N samples of ``lengths`` (N,)."""
    n = len(lengths)
    duration = lengths[:, None] / FPS
    t = np.arange(lengths.max())[None] / FPS
    freq = freq * rng.uniform(0.75, 1.35, (n, 1))
    phase = 2.0 * np.pi * freq * t + rng.uniform(0.0, 2.0 * np.pi, (n, 1))
    amp = rng.uniform(0.75, 1.2, (n, 1))
    onset = rng.uniform(-0.1, 0.2, (n, 1)) * duration
    end = duration * (1.0 - rng.uniform(-0.1, 0.15, (n, 1)))
    ramp = rng.uniform(0.1, 0.2, (n, 1)) * duration
    env = _smoothstep((t - onset) / ramp) * _smoothstep((end - t) / ramp)
    event_time = rng.uniform(0.3, 0.6, (n, 1)) * duration
    event = _smoothstep((t - event_time) * 2.0 * freq)
    return ActionContext(phase, amp, env, event)


def _set_bones(angles: np.ndarray, bones: tuple, component: int, value: AngleValue) -> None:
    """Set one angle component of several bones of (N, T, 25, 3) ``angles`` in place."""
    for bone in bones:
        angles[:, :, bone, component] = value


def _empty_action(ctx: ActionContext) -> Action:
    """All-zero action for the batch of ``ctx``."""
    n, t = ctx.env.shape
    return Action(np.zeros((2, n, t, NUM_JOINTS, 3)), np.zeros((2, n, t)), np.zeros((2, n, t)))


def _act_wave_hand(ctx: ActionContext) -> Action:
    """Right arm raised to the side, forearm swinging left-right above the elbow."""
    act, a = _empty_action(ctx), ctx.amp
    act.angles[0, :, :, R_ARM, ABD] = 1.3
    act.angles[0, :, :, R_ARM, FLEX] = 0.3
    act.angles[0, :, :, R_FOREARM, ABD] = 1.4 + 0.45 * a * np.sin(ctx.phase)
    return act


def _hands_in_front(
    act: Action, inward: AngleValue, right_flex: AngleValue, left_flex: AngleValue
) -> None:
    """Pose person 0's arms in place: elbows bent, forearms pointing forward.

    Args:
        act: action to fill.
        inward: arm rotation towards the midline (rad); 0.55 joins the hands.
        right_flex: right elbow flexion (rad).
        left_flex: left elbow flexion (rad).
    """
    for arm, forearm, side, flex in (
        (R_ARM, R_FOREARM, 1.0, right_flex),
        (L_ARM, L_FOREARM, -1.0, left_flex),
    ):
        act.angles[0, :, :, arm, FLEX] = 0.5
        act.angles[0, :, :, arm, TWIST] = side * inward
        act.angles[0, :, :, forearm, FLEX] = flex


def _act_clap(ctx: ActionContext) -> Action:
    """Hands in front of the chest repeatedly opening wide and meeting."""
    act = _empty_action(ctx)
    inward = 0.55 - 0.9 * ctx.amp * 0.5 * (1.0 + np.sin(ctx.phase))
    _hands_in_front(act, inward, 1.3, 1.3)
    return act


def _act_rub_hands(ctx: ActionContext) -> Action:
    """Hands joined in front of the chest, rubbing against each other with quick strokes."""
    act = _empty_action(ctx)
    stroke = 0.15 * ctx.amp * np.sin(ctx.phase)
    _hands_in_front(act, 0.55, 1.3 + stroke, 1.3 - stroke)
    return act


def _act_punch(ctx: ActionContext) -> Action:
    """Guard with fists up, alternating straight punches with a torso twist."""
    act, a = _empty_action(ctx), ctx.amp
    right_hit = np.maximum(np.sin(ctx.phase), 0.0) ** 2
    left_hit = np.maximum(-np.sin(ctx.phase), 0.0) ** 2
    for arm, forearm, side, hit in (
        (R_ARM, R_FOREARM, 1.0, right_hit),
        (L_ARM, L_FOREARM, -1.0, left_hit),
    ):
        act.angles[0, :, :, arm, FLEX] = 0.5 + 0.9 * a * hit
        act.angles[0, :, :, arm, TWIST] = side * 0.2
        act.angles[0, :, :, forearm, FLEX] = 1.9 - 1.8 * a * hit
    act.angles[0, :, :, SPINE_LOW, TWIST] = 0.15 * a * np.sin(ctx.phase)
    return act


def _leg_flexion(act: Action, person: int, thigh: int, lift: np.ndarray) -> None:
    """Flex hip, knee and ankle of one leg by ``lift`` (N, T) in [0, ~1], in place."""
    act.angles[person, :, :, thigh, FLEX] = 1.0 * lift
    act.angles[person, :, :, thigh + 1, FLEX] = -1.6 * lift
    act.angles[person, :, :, thigh + 2, FLEX] = 0.5 * lift


def _act_jump(ctx: ActionContext) -> Action:
    """Repeated vertical jumps: crouch with arms back, take off with arms up."""
    act = _empty_action(ctx)
    wave = np.sin(ctx.phase)
    crouch, flight = np.maximum(-wave, 0.0), np.maximum(wave, 0.0)
    for thigh in (R_THIGH, L_THIGH):
        _leg_flexion(act, 0, thigh, 0.9 * crouch)
    act.angles[0, :, :, SPINE_LOW, FLEX] = -0.45 * crouch
    _set_bones(act.angles[0], ARMS, FLEX, 1.3 * flight - 0.6 * crouch)
    act.lift[0] = 0.25 * ctx.amp * flight
    return act


def _act_squat(ctx: ActionContext) -> Action:
    """Slow deep knee bends with the torso leaning and the arms reaching forward."""
    act = _empty_action(ctx)
    depth = 0.5 * ctx.amp * (1.0 - np.cos(ctx.phase))
    for thigh in (R_THIGH, L_THIGH):
        act.angles[0, :, :, thigh, FLEX] = 1.4 * depth
        act.angles[0, :, :, thigh + 1, FLEX] = -2.2 * depth
        act.angles[0, :, :, thigh + 2, FLEX] = 0.8 * depth
    act.angles[0, :, :, SPINE_LOW, FLEX] = -0.6 * depth
    _set_bones(act.angles[0], ARMS, FLEX, 1.4 * depth)
    return act


def _act_kick(ctx: ActionContext) -> Action:
    """Front kicks with the right leg: chamber the knee, extend, retract; hands on guard."""
    act, a = _empty_action(ctx), ctx.amp
    kick = np.maximum(np.sin(ctx.phase), 0.0) ** 3
    act.angles[0, :, :, R_THIGH, FLEX] = 1.3 * a * kick
    act.angles[0, :, :, R_SHANK, FLEX] = -4.0 * kick * (1.0 - kick) - 0.1 * kick
    act.angles[0, :, :, SPINE_LOW, FLEX] = 0.25 * kick
    _set_bones(act.angles[0], ARMS, FLEX, 0.4)
    _set_bones(act.angles[0], FOREARMS, FLEX, 1.5)
    return act


def _act_march_in_place(ctx: ActionContext) -> Action:
    """Alternating knee lifts with the arms swinging in counter-phase."""
    act, a = _empty_action(ctx), ctx.amp
    wave = np.sin(ctx.phase)
    _leg_flexion(act, 0, R_THIGH, 0.9 * a * np.maximum(wave, 0.0))
    _leg_flexion(act, 0, L_THIGH, 0.9 * a * np.maximum(-wave, 0.0))
    act.angles[0, :, :, R_ARM, FLEX] = -0.5 * a * wave
    act.angles[0, :, :, L_ARM, FLEX] = 0.5 * a * wave
    _set_bones(act.angles[0], FOREARMS, FLEX, 0.4)
    return act


def _act_handshake(ctx: ActionContext) -> Action:
    """Two persons facing each other shake right hands with quick up-down pumps."""
    act = _empty_action(ctx)
    pump = 0.25 * ctx.amp * np.sin(ctx.phase)
    act.angles[:, :, :, R_ARM, FLEX] = 0.8 - 0.5 * pump
    act.angles[:, :, :, R_ARM, TWIST] = 0.3
    act.angles[:, :, :, R_FOREARM, FLEX] = 0.7 + pump
    act.angles[:, :, :, SPINE_LOW, FLEX] = -0.1
    return act


def _act_push(ctx: ActionContext) -> Action:
    """The first person shoves the second, who staggers backwards, arms flung out."""
    act, a = _empty_action(ctx), ctx.amp
    shove = ctx.event
    stagger = 4.0 * a * shove * (1.0 - shove)
    _set_bones(act.angles[0], ARMS, FLEX, 0.7 + 0.7 * shove)
    _set_bones(act.angles[0], FOREARMS, FLEX, 1.3 - 1.2 * shove)
    act.angles[0, :, :, SPINE_LOW, FLEX] = -0.25 * shove
    act.angles[1, :, :, SPINE_LOW, FLEX] = 0.35 * stagger
    act.angles[1, :, :, R_ARM, ABD] = 0.6 * stagger
    act.angles[1, :, :, L_ARM, ABD] = -0.6 * stagger
    act.back[1] = 0.45 * a * shove
    return act


ACTIONS: Dict[str, Callable[[ActionContext], Action]] = dict(
    wave_hand=_act_wave_hand, clap=_act_clap, punch=_act_punch, rub_hands=_act_rub_hands,
    jump=_act_jump, squat=_act_squat, kick=_act_kick, march_in_place=_act_march_in_place,
    handshake=_act_handshake, push=_act_push,
)  # fmt: skip
