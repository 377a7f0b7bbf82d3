"""The visual world the built-in `shapes-demo` model answers about: scenes, their rendering and
the questions with their answers. Written once; training, the held-out set and the app's
"Try an example" images all come from here. The contract it follows is docs/demo-model.md
("The visual world"): 256-1280 px per side, aspect 1:2..2:1, a flat near-white background,
1-6 non-touching filled circles, squares and up-pointing triangles whose bounding box is
12-30% of the shorter side, in six colours (each channel within +-25 of the base colour).
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

SHAPES = ("circle", "square", "triangle")
COLOURS = {
    "red": (220, 40, 40),
    "orange": (245, 140, 20),
    "yellow": (240, 210, 30),
    "green": (40, 170, 60),
    "blue": (40, 90, 220),
    "purple": (140, 60, 190),
}
COLOUR_NAMES = tuple(COLOURS)
QUADRANTS = ("top left", "top right", "bottom left", "bottom right")

# Question types, in the contract's order.
QUESTION_TYPES = (
    "count_all",
    "count_shape",
    "count_colour",
    "colour_of_shape",
    "shape_of_colour",
    "exists",
    "where",
    "further_left",
    "compare_images",
)

# Q7: the shape's centre at least this fraction of the side away from both centre lines.
WHERE_MARGIN = 0.10
# Q8: asked only when the two centres are at least this fraction of the width apart, so that
# "further left" has one answer a person would agree on (an addition to the contract,
# stated in docs/demo-model.md).
LEFT_MARGIN = 0.05


@dataclass
class Shape:
    kind: str
    colour: str
    rgb: tuple[int, int, int]
    # Bounding box in image pixels (x0, y0, x1, y1), x1/y1 exclusive.
    box: tuple[float, float, float, float]

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        return (x0 + x1) / 2, (y0 + y1) / 2


@dataclass
class Scene:
    width: int
    height: int
    background: tuple[int, int, int]
    shapes: list[Shape] = field(default_factory=list)

    def count(self, kind: str | None = None, colour: str | None = None) -> int:
        return sum(1 for s in self.shapes if (kind is None or s.kind == kind) and (colour is None or s.colour == colour))


def sample_size(rng: random.Random) -> tuple[int, int]:
    """Any size 256-1280 per side with aspect ratio between 1:2 and 2:1, spread evenly in log-size."""
    while True:
        aspect = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))
        longest = int(round(math.exp(rng.uniform(math.log(256), math.log(1280)))))
        if aspect >= 1:
            w, h = longest, int(round(longest / aspect))
        else:
            w, h = int(round(longest * aspect)), longest
        if 256 <= w <= 1280 and 256 <= h <= 1280 and 0.5 <= w / h <= 2.0:
            return w, h


def jitter_colour(rng: random.Random, base: tuple[int, int, int], spread: int = 25) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + rng.randint(-spread, spread))) for c in base)  # type: ignore[return-value]


def sample_scene(
    rng: random.Random,
    n_shapes: int | None = None,
    size: tuple[int, int] | None = None,
    counts_hint: dict[str, int] | None = None,
) -> Scene:
    """A random scene. `counts_hint` forces how many of each kind (for two-image questions)."""
    w, h = size or sample_size(rng)
    bg_level = rng.randint(215, 255)
    background = tuple(max(215, min(255, bg_level + rng.randint(-8, 8))) for _ in range(3))
    short = min(w, h)
    for _attempt in range(50):
        if counts_hint is not None:
            kinds = [k for k, c in counts_hint.items() for _ in range(c)]
        else:
            n = n_shapes if n_shapes is not None else rng.randint(1, 6)
            kinds = [rng.choice(SHAPES) for _ in range(n)]
        rng.shuffle(kinds)
        # Smaller shapes when there are many, so that six of them still fit.
        max_frac = 0.30 if len(kinds) <= 3 else 0.24 if len(kinds) <= 5 else 0.21
        placed: list[Shape] = []
        ok = True
        for kind in kinds:
            for _try in range(200):
                bw = rng.uniform(0.12, max_frac) * short
                if kind == "triangle":
                    bh = bw * rng.uniform(0.80, 1.0)
                    bh = max(bh, 0.12 * short)
                else:
                    bh = bw
                x0 = rng.uniform(1, w - bw - 1)
                y0 = rng.uniform(1, h - bh - 1)
                box = (x0, y0, x0 + bw, y0 + bh)
                gap = 0.02 * short + 2
                if all(
                    box[2] + gap <= o.box[0] or o.box[2] + gap <= box[0] or box[3] + gap <= o.box[1] or o.box[3] + gap <= box[1]
                    for o in placed
                ):
                    colour = rng.choice(COLOUR_NAMES)
                    placed.append(Shape(kind, colour, jitter_colour(rng, COLOURS[colour]), box))
                    break
            else:
                ok = False
                break
        if ok:
            return Scene(w, h, background, placed)  # type: ignore[arg-type]
    raise RuntimeError("could not place the shapes")


def render(scene: Scene, antialias: bool = True) -> Image.Image:
    """The scene as an RGB image; anti-aliased by drawing at 4x and reducing, or aliased."""
    factor = 4 if antialias else 1
    img = Image.new("RGB", (scene.width * factor, scene.height * factor), scene.background)
    draw = ImageDraw.Draw(img)
    for s in scene.shapes:
        x0, y0, x1, y1 = (v * factor for v in s.box)
        if s.kind == "circle":
            draw.ellipse((x0, y0, x1 - 1, y1 - 1), fill=s.rgb)
        elif s.kind == "square":
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=s.rgb)
        else:
            draw.polygon([((x0 + x1) / 2, y0), (x1 - 1, y1 - 1), (x0, y1 - 1)], fill=s.rgb)
    if antialias:
        img = img.reduce(factor)
    return img


def encode(img: Image.Image, rng: random.Random, jpeg_share: float = 0.35) -> tuple[bytes, str]:
    """PNG or JPEG (quality 85-100) bytes, as the contract allows."""
    out = io.BytesIO()
    if rng.random() < jpeg_share:
        img.save(out, format="JPEG", quality=rng.randint(85, 100))
        return out.getvalue(), "jpeg"
    img.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue(), "png"


# --- Questions ---------------------------------------------------------------------------------


@dataclass
class Question:
    type: str
    text: str
    answer: str


def plural(kind: str) -> str:
    return kind + "s"


def colour_word(rng: random.Random) -> str:
    return rng.choice(("colour", "color"))


def style(rng: random.Random, text: str) -> str:
    """The ways a person may type a contract question: any case, with or without the final '?'."""
    r = rng.random()
    if r < 0.12:
        text = text.lower()
    elif r < 0.17:
        text = text.upper()
    elif r < 0.22:
        text = " ".join(word.capitalize() for word in text.split(" "))
    if rng.random() < 0.3:
        text = text.rstrip("?")
    return text


def quadrant(scene: Scene, shape: Shape) -> str | None:
    cx, cy = shape.centre
    if abs(cx - scene.width / 2) < WHERE_MARGIN * scene.width or abs(cy - scene.height / 2) < WHERE_MARGIN * scene.height:
        return None
    return ("top" if cy < scene.height / 2 else "bottom") + " " + ("left" if cx < scene.width / 2 else "right")


def candidates(scene: Scene, rng: random.Random, qtype: str) -> list[Question]:
    """Every question of one type that the contract allows for this scene (canonical wording)."""
    out: list[Question] = []
    if qtype == "count_all":
        out.append(Question(qtype, "How many shapes are there?", str(len(scene.shapes))))
    elif qtype == "count_shape":
        for k in SHAPES:
            out.append(Question(qtype, f"How many {plural(k)} are there?", str(scene.count(kind=k))))
    elif qtype == "count_colour":
        for c in COLOUR_NAMES:
            out.append(Question(qtype, f"How many {c} shapes are there?", str(scene.count(colour=c))))
    elif qtype == "colour_of_shape":
        for k in SHAPES:
            if scene.count(kind=k) == 1:
                s = next(s for s in scene.shapes if s.kind == k)
                out.append(Question(qtype, f"What {colour_word(rng)} is the {k}?", s.colour))
    elif qtype == "shape_of_colour":
        for c in COLOUR_NAMES:
            if scene.count(colour=c) == 1:
                s = next(s for s in scene.shapes if s.colour == c)
                out.append(Question(qtype, f"What shape is the {c} one?", s.kind))
    elif qtype == "exists":
        yes = [(s.colour, s.kind) for s in scene.shapes]
        no = [(c, k) for c in COLOUR_NAMES for k in SHAPES if scene.count(kind=k, colour=c) == 0]
        for c, k in sorted(set(yes)):  # sorted: a set of strings iterates in a per-process order
            out.append(Question(qtype, f"Is there a {c} {k}?", "yes"))
        # As many "no" as "yes" candidates, so a balanced draw stays balanced.
        for c, k in rng.sample(no, min(len(no), max(1, len(set(yes))))):
            out.append(Question(qtype, f"Is there a {c} {k}?", "no"))
    elif qtype == "where":
        for k in SHAPES:
            if scene.count(kind=k) == 1:
                s = next(s for s in scene.shapes if s.kind == k)
                q = quadrant(scene, s)
                if q is not None:
                    out.append(Question(qtype, f"Where is the {k}?", q))
    elif qtype == "further_left":
        unique = [s for s in scene.shapes if scene.count(kind=s.kind, colour=s.colour) == 1]
        for i, a in enumerate(unique):
            for b in unique[i + 1 :]:
                if abs(a.centre[0] - b.centre[0]) < LEFT_MARGIN * scene.width:
                    continue
                first, second = (a, b) if rng.random() < 0.5 else (b, a)
                left = first if first.centre[0] < second.centre[0] else second
                out.append(
                    Question(
                        qtype,
                        f"Which is further left, the {first.colour} {first.kind} or the {second.colour} {second.kind}?",
                        f"{left.colour} {left.kind}",
                    )
                )
    return out


def compare_question(first: Scene, second: Scene, rng: random.Random) -> Question | None:
    """Q9 over two scenes: which image has more of a kind (only when the counts differ)."""
    kinds = [k for k in SHAPES if first.count(kind=k) != second.count(kind=k)]
    if not kinds:
        return None
    k = rng.choice(kinds)
    answer = "first" if first.count(kind=k) > second.count(kind=k) else "second"
    return Question("compare_images", f"Which image has more {plural(k)}, the first or the second?", answer)


def sample_compare_pair(rng: random.Random) -> tuple[Scene, Scene]:
    """Two scenes whose counts of some kind differ; the counts are drawn so either can win."""
    while True:
        a = sample_scene(rng)
        b = sample_scene(rng)
        if any(a.count(kind=k) != b.count(kind=k) for k in SHAPES):
            return a, b


def sample_question(scene: Scene, rng: random.Random, qtype: str) -> Question | None:
    options = candidates(scene, rng, qtype)
    if not options:
        return None
    if qtype == "exists":
        # Balance yes and no.
        want = "yes" if rng.random() < 0.5 else "no"
        picked = [q for q in options if q.answer == want] or options
        q = rng.choice(picked)
    else:
        q = rng.choice(options)
    return Question(q.type, style(rng, q.text), q.answer)


def grade(answer: str, expected: str) -> bool:
    """The contract's grading: exact match after trimming, lower-casing and dropping one final period."""
    a = answer.strip().lower()
    if a.endswith("."):
        a = a[:-1]
    return a.strip() == expected
