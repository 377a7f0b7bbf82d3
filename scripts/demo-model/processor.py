"""What the app's worker sends the vision encoder for an image, mirrored from transformers.js'
Idefics3ImageProcessor and the app's detail policy (workers/models/image-detail.ts):

- the image is resized (aspect kept) so its longest edge is `longest_edge` (the browser does this
  with a canvas, so the exact filter varies: training draws from several);
- `low`: longest edge 512, then stretched to one 512x512 frame;
- `auto`: longest edge max(512, min(cap, longest side)) with cap 1024 on WASM and 1536 on WebGPU,
  then stretched to multiples of 512 and cut into 512 px tiles, plus the whole image stretched to
  512x512 as the global frame (last);
- pixels rescaled to [0, 1] and normalised with mean 0.5, std 0.5.

The encoder's first op is a 4x4 average pool, so training keeps frames at 128x128 (the pool done
here once) and the exported graph does the pool itself on the 512x512 frames the app sends.
"""
from __future__ import annotations

import math
import random

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

FRAME = 512
POOL = 4
AUTO_MAX_EDGE = {"wasm": 1024, "webgpu": 1536}
TOKENS_PER_FRAME = 64


def resize_to_longest_edge(width: int, height: int, longest_edge: int) -> tuple[int, int]:
    factor = min(longest_edge / width, longest_edge / height)
    return math.floor(round(width * factor, 2)), math.floor(round(height * factor, 2))


def tile_grid(width: int, height: int) -> tuple[int, int, int, int]:
    """(rows, cols, stretched height, stretched width), as get_resize_for_vision_encoder."""
    aspect = width / height
    if width >= height:
        w = math.ceil(width / FRAME) * FRAME
        h = math.floor(w / aspect)
        h = math.ceil(h / FRAME) * FRAME
    else:
        h = math.ceil(height / FRAME) * FRAME
        w = math.floor(h * aspect)
        w = math.ceil(w / FRAME) * FRAME
    if h > FRAME or w > FRAME:
        return math.ceil(h / FRAME), math.ceil(w / FRAME), h, w
    return 0, 0, h, w


def plan(width: int, height: int, detail: str, device: str) -> tuple[int, bool]:
    """(longest_edge, split) for one image, as planImage in the app."""
    if detail == "low":
        return FRAME, False
    if detail == "auto":
        return max(FRAME, min(AUTO_MAX_EDGE[device], max(width, height))), True
    raise ValueError(detail)


RESAMPLERS = (Image.BILINEAR, Image.BICUBIC, Image.LANCZOS, Image.BOX, "aliased")


def _browser_resize(img: Image.Image, size: tuple[int, int], rng: random.Random | None) -> torch.Tensor:
    """The canvas resize; returns a [3, h, w] float tensor in [0, 1]."""
    method = rng.choice(RESAMPLERS) if rng is not None else Image.BILINEAR
    if img.size == size:
        arr = np.asarray(img, dtype=np.float32)
        return torch.from_numpy(arr).permute(2, 0, 1) / 255.0
    if method == "aliased":
        t = torch.from_numpy(np.asarray(img, dtype=np.float32)).permute(2, 0, 1)[None] / 255.0
        return F.interpolate(t, size=(size[1], size[0]), mode="bilinear", align_corners=False)[0]
    arr = np.asarray(img.resize(size, method), dtype=np.float32)
    return torch.from_numpy(arr).permute(2, 0, 1) / 255.0


def frames_for(
    img: Image.Image, detail: str, device: str, rng: random.Random | None = None, pool: bool = True
) -> tuple[torch.Tensor, int, int]:
    """Frames [n, 3, 128|512, 128|512] (normalised; the global frame last), rows, cols."""
    img = img.convert("RGB")
    longest, split = plan(img.width, img.height, detail, device)
    x = _browser_resize(img, resize_to_longest_edge(img.width, img.height, longest), rng)
    x = (x - 0.5) / 0.5
    x = x[None]
    frames: list[torch.Tensor]
    rows = cols = 0
    if not split:
        frames = [F.interpolate(x, size=(FRAME, FRAME), mode="bilinear", align_corners=False)]
    else:
        rows, cols, h, w = tile_grid(x.shape[-1], x.shape[-2])
        x = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False) if (h, w) != tuple(x.shape[-2:]) else x
        frames = []
        if rows:
            for r in range(rows):
                for c in range(cols):
                    frames.append(x[..., r * FRAME : (r + 1) * FRAME, c * FRAME : (c + 1) * FRAME])
            x = F.interpolate(x, size=(FRAME, FRAME), mode="bilinear", align_corners=False)
        frames.append(x)
    out = torch.cat(frames, 0)
    if pool:
        out = F.avg_pool2d(out, POOL)
    return out.contiguous(), rows, cols


def expand_image_placeholder(rows: int, cols: int) -> str:
    """The text that replaces one <image> (Idefics3Processor), as expandImagePlaceholder in the app."""
    fake = "<fake_token_around_image>"
    image_tokens = "<image>" * TOKENS_PER_FRAME
    glob = f"{fake}<global-img>{image_tokens}{fake}"
    if rows == 0 and cols == 0:
        return glob
    text = ""
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            text += f"{fake}<row_{r}_col_{c}>{image_tokens}"
        text += "\n"
    return f"{text}\n{glob}"
