"""Chats about scenes, tokenised exactly as the app's worker builds its prompts (SmolVLM's chat
template, then each <image> expanded per workers/models/image-detail.ts), with the ground truth
the vision encoder's dense heads learn from.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import torch
from PIL import Image

import processor
import shapes_world as world
from model import ALL_TOTAL_SLOT, COLOUR_TOTAL_SLOT, GRID, SHAPE_TOTAL_SLOT, class_of
from tokenizer import END_OF_UTTERANCE, Tokenizer

SINGLE_IMAGE_TYPES = world.QUESTION_TYPES[:-1]


@dataclass
class Turn:
    images: list[int]  # indices into Chat.scenes sent with this user message
    question: world.Question


@dataclass
class Chat:
    scenes: list[world.Scene]
    pictures: list[Image.Image]
    turns: list[Turn] = field(default_factory=list)


def picture(scene: world.Scene, rng: random.Random) -> Image.Image:
    """Rendered (anti-aliased or not) and passed through PNG or JPEG, as a person's file would be."""
    img = world.render(scene, antialias=rng.random() < 0.75)
    data, _ = world.encode(img, rng)
    return Image.open(io.BytesIO(data)).convert("RGB")


def sample_chat(rng: random.Random, max_turns: int = 4, two_image_share: float = 0.14, type_weights: dict[str, float] | None = None) -> Chat:
    """A chat of 1-`max_turns` questions; `type_weights` makes some kinds of question more
    frequent (default: all alike, and the same random draws as before the option existed)."""
    if rng.random() < two_image_share:
        a, b = world.sample_compare_pair(rng)
        chat = Chat([a, b], [picture(a, rng), picture(b, rng)])
        q = world.compare_question(a, b, rng)
        assert q is not None
        chat.turns.append(Turn([0, 1], world.Question(q.type, world.style(rng, q.text), q.answer)))
        for _ in range(rng.randint(0, 2)):
            q = world.compare_question(a, b, rng)
            assert q is not None
            chat.turns.append(Turn([], world.Question(q.type, world.style(rng, q.text), q.answer)))
        return chat
    scene = world.sample_scene(rng)
    chat = Chat([scene], [picture(scene, rng)])
    current = 0
    for t in range(rng.randint(1, max_turns)):
        images: list[int] = [current] if t == 0 else []
        if t > 0 and rng.random() < 0.12:
            # A later message brings a new image: the questions are about it from then on.
            scene = world.sample_scene(rng)
            chat.scenes.append(scene)
            chat.pictures.append(picture(scene, rng))
            current = len(chat.scenes) - 1
            images = [current]
        for _ in range(20):
            if type_weights:
                qtype = rng.choices(SINGLE_IMAGE_TYPES, [type_weights.get(t, 1.0) for t in SINGLE_IMAGE_TYPES])[0]
            else:
                qtype = rng.choice(SINGLE_IMAGE_TYPES)
            q = world.sample_question(chat.scenes[current], rng, qtype)
            if q is not None:
                chat.turns.append(Turn(images, q))
                break
    return chat


def named_kinds(question: str) -> list[int]:
    """The (shape, colour) kind slots a question names: the colours it names times the shapes it
    names (all of either when it names none). For "which is further left" that includes the two
    crossed pairs, which are absent from the scene whenever the narrowed targets are used."""
    words = question.lower()
    colours = [c for c in world.COLOUR_NAMES if c in words] or list(world.COLOUR_NAMES)
    kinds = [k for k in world.SHAPES if k in words] or list(world.SHAPES)
    return [class_of(k, c) - 1 for k in kinds for c in colours]


def lookup_slots(question: world.Question) -> list[int]:
    """The slot tokens (model.py) the answer is read from: a total for the counting questions,
    the named kinds otherwise."""
    words = question.text.lower()
    if question.type == "count_all":
        return [ALL_TOTAL_SLOT]
    if question.type in ("count_shape", "compare_images"):
        return [SHAPE_TOTAL_SLOT + i for i, k in enumerate(world.SHAPES) if k in words]
    if question.type == "count_colour":
        return [COLOUR_TOTAL_SLOT + i for i, c in enumerate(world.COLOUR_NAMES) if c in words]
    return named_kinds(question.text)


@dataclass
class Encoded:
    ids: list[int]
    supervised: list[bool]  # token i is an answer token the model must produce
    frames: torch.Tensor  # [F, 3, 128, 128], in prompt order
    global_frames: list[int]  # index into frames of each image's global frame
    scenes: list[world.Scene]  # the scene of each global frame
    # For each answer token but the end of the utterance: the position that predicts it, the
    # decoder head to supervise, the positions of the slot tokens (in the global frames of the
    # images asked about) it is read from, and the kind of question.
    lookups: list[tuple[int, int, list[int], str]]


def prompt_segments(chat: Chat, layouts: list[tuple[int, int]], answers: list[str] | None = None):
    """(text, supervised) pieces of the whole chat; answers default to the ground truth."""
    segments: list[tuple[str, bool]] = [("<|im_start|>", False)]
    for i, turn in enumerate(chat.turns):
        # The template writes "User:" before an image and "User: " before text; the space goes with
        # the question so that each piece tokenises as it does inside the whole prompt.
        segments.append(("User:" + "".join(processor.expand_image_placeholder(*layouts[j]) for j in turn.images), False))
        space = "" if turn.images else " "
        segments.append((space + turn.question.text + END_OF_UTTERANCE + "\nAssistant:", False))
        if answers is not None and i >= len(answers):
            break
        answer = turn.question.answer if answers is None else answers[i]
        segments.append((" " + answer + END_OF_UTTERANCE, True))
        segments.append(("\n", False))
    return segments


def centre_targets(scene: world.Scene) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per cell of the global frame: class of the object centred there, its offset, and counts."""
    classes = torch.zeros(GRID * GRID, dtype=torch.long)
    offsets = torch.zeros(GRID * GRID, 2)
    counts = torch.zeros(len(world.SHAPES) * len(world.COLOUR_NAMES))
    for s in scene.shapes:
        cx, cy = s.centre
        gx, gy = cx / scene.width * GRID, cy / scene.height * GRID
        cell = min(GRID - 1, int(gy)) * GRID + min(GRID - 1, int(gx))
        k = class_of(s.kind, s.colour)
        classes[cell] = k
        offsets[cell] = torch.tensor([gx - int(gx), gy - int(gy)])
        counts[k - 1] += 1
    return classes, offsets, counts


# Questions whose answer is the identity or position of the one present kind among the slots named.
IDENTITY_TYPES = ("colour_of_shape", "shape_of_colour", "where", "further_left")


def encode_chat(chat: Chat, tok: Tokenizer, detail: str, device: str, rng: random.Random | None, refine_lookup: bool = False) -> Encoded:
    """The chat as token ids, frames and targets. `refine_lookup` (the later stage of training)
    narrows the lookup targets: for identity and position questions to the slots present in the
    scene, for "further left" to the answer's slot, and for two-image questions to one image per
    head (head 0 the first, head 1 the second), so the two counts can be compared."""
    frames: list[torch.Tensor] = []
    global_frames: list[int] = []
    layouts: list[tuple[int, int]] = []
    # Frames in prompt order: images in the order the turns send them.
    order = [j for turn in chat.turns for j in turn.images]
    per_image: dict[int, tuple[torch.Tensor, int, int]] = {}
    for j in sorted(set(order)):
        per_image[j] = processor.frames_for(chat.pictures[j], detail, device, rng)
    layouts = [(per_image[j][1], per_image[j][2]) if j in per_image else (0, 0) for j in range(len(chat.scenes))]
    for j in order:
        f = per_image[j][0]
        frames.append(f)
        global_frames.append(sum(x.shape[0] for x in frames) - 1)
    ids: list[int] = []
    supervised: list[bool] = []
    for text, sup in prompt_segments(chat, layouts):
        piece = tok.encode(text)
        ids.extend(piece)
        supervised.extend([sup] * len(piece))
    # Where each image's global frame starts among the prompt's image tokens.
    image_positions = [i for i, t in enumerate(ids) if t == tok.special["<image>"]]
    global_start = {j: image_positions[g * processor.TOKENS_PER_FRAME] for j, g in zip(order, global_frames)}
    lookups: list[tuple[int, int, list[int], str]] = []
    answer_starts = [i for i in range(1, len(ids)) if supervised[i] and not supervised[i - 1]]
    current: list[int] = []
    for turn, start in zip(chat.turns, answer_starts):
        if turn.images:
            current = turn.images
        end = start
        while end < len(ids) and supervised[end]:
            end += 1
        queries = range(start - 1, end - 2)  # the last answer token is <end_of_utterance>
        slots = lookup_slots(turn.question)
        targets: list[tuple[int, list[int]]] = [(0, [global_start[j] + k for j in current for k in slots])]
        if refine_lookup and turn.question.type == "compare_images" and len(current) == 2:
            targets = [(head, [global_start[j] + k for k in slots]) for head, j in enumerate(current)]
        elif refine_lookup and turn.question.type == "further_left":
            kind, colour = turn.question.answer.split()[1], turn.question.answer.split()[0]
            targets = [(0, [global_start[current[0]] + class_of(kind, colour) - 1])]
        elif refine_lookup and turn.question.type in IDENTITY_TYPES and len(current) == 1:
            scene = chat.scenes[current[0]]
            present = [k for k in slots if scene.count(kind=world.SHAPES[k // len(world.COLOUR_NAMES)], colour=world.COLOUR_NAMES[k % len(world.COLOUR_NAMES)]) > 0]
            targets = [(0, [global_start[current[0]] + k for k in (present or slots)])]
        lookups.extend((q, head, positions, turn.question.type) for q in queries for head, positions in targets)
    return Encoded(ids, supervised, torch.cat(frames, 0), global_frames, [chat.scenes[j] for j in order], lookups)
