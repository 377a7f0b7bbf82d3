"""The shapes-demo model in PyTorch, in SmolVLM's three-part layout.

Vision encoder (per 512x512 frame, the app's normalised pixels):
  4x4 average pool -> 128x128 -> conv stem (16 px patches, then 32 px cells: a 16x16 grid)
  -> fixed 2D sine/cosine coordinates added to each cell (finding an object's centre is a question
     of positions; a learned, zero-initialised position embedding alone learnt them slowly)
  -> 2 transformer layers over the 256 cells
  -> per cell: which object's centre lies here (background or one of 3 shapes x 6 colours) and
     where in the cell. Summed over the cells these give a scene summary that is exact where the
     heads are right: how many of each (shape, colour) and their mean centre. Both heads are
     trained directly from the generator's ground truth (dense supervision), which is what makes
     the model learn in minutes instead of days. (Soft bilinear centre targets, CenterNet-style,
     were tried and learnt slower: docs/demo-model.md.)
  -> Idefics3 pixel-shuffle connector (factor 2: 256 cells -> 64 tokens) and a projection to the
     decoder width, plus the scene summary's embedding added to every one of the frame's tokens;
  -> object slots: the first 28 of the 64 tokens carry facts instead of grid features (clean
     keys and values for the decoder's attention; the other 36 tokens keep the grid):
       0-17  one per (shape, colour): shape + colour embedding, its count, presence, mean
             position, which side of each centre line it lies on, and how many objects lie
             left of it (so "further left" is a comparison attention can make: prefer the
             named slot with the lower rank);
       18-20 the total of each shape, 21-26 of each colour, 27 of all shapes.
     Counts are written as a soft one-hot over 0..6 (a table row per number), so reading "3"
     is copying a row, not decoding a scalar. A question ("what colour is the circle?", "how
     many squares?") becomes what attention does well: find the one slot it names and read it.
Decoder: Llama (RMSNorm, rotary from position_ids, grouped-query attention, SwiGLU).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from shapes_world import COLOUR_NAMES, SHAPES

N_CLASSES = 1 + len(SHAPES) * len(COLOUR_NAMES)  # background + (shape, colour)
GRID = 16  # cells per side of a frame
POOLED = 128  # frame side after the 4x4 average pool


def class_of(kind: str, colour: str) -> int:
    return 1 + SHAPES.index(kind) * len(COLOUR_NAMES) + COLOUR_NAMES.index(colour)


# Slot tokens at the start of each frame's 64 (see the module docstring).
KIND_SLOTS = len(SHAPES) * len(COLOUR_NAMES)
SHAPE_TOTAL_SLOT = KIND_SLOTS  # + SHAPES.index(shape)
COLOUR_TOTAL_SLOT = SHAPE_TOTAL_SLOT + len(SHAPES)  # + COLOUR_NAMES.index(colour)
ALL_TOTAL_SLOT = COLOUR_TOTAL_SLOT + len(COLOUR_NAMES)
N_SLOTS = ALL_TOTAL_SLOT + 1
MAX_COUNT = 6


@dataclass
class Config:
    vision_dim: int = 96
    vision_layers: int = 2
    vision_heads: int = 4
    vision_mlp: int = 192
    text_dim: int = 128
    text_layers: int = 4
    text_heads: int = 4
    kv_heads: int = 2
    head_dim: int = 32
    text_mlp: int = 384
    vocab_size: int = 0
    rope_theta: float = 10000.0
    rms_eps: float = 1e-5
    max_positions: int = 2048

    def to_dict(self) -> dict:
        return asdict(self)


def sincos_2d(grid: int, dim: int) -> torch.Tensor:
    """[1, grid*grid, dim]: sines and cosines of each cell's x and y at dim/4 frequencies each."""
    quarter = dim // 4
    freqs = torch.exp(torch.arange(quarter).float() * (-math.log(100.0) / quarter))
    ys, xs = torch.meshgrid(torch.arange(grid).float(), torch.arange(grid).float(), indexing="ij")
    parts = []
    for coord in (xs.reshape(-1), ys.reshape(-1)):
        angles = coord[:, None] * freqs[None] * (math.pi / grid) * 4
        parts += [angles.sin(), angles.cos()]
    out = torch.cat(parts, dim=-1)
    return torch.nn.functional.pad(out, (0, dim - out.shape[-1]))[None]


class VisionBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp: int):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f, n, d = x.shape
        hd = d // self.heads
        q, k, v = self.qkv(self.norm1(x)).reshape(f, n, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        att = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(hd), dim=-1)
        x = x + self.out((att @ v).transpose(1, 2).reshape(f, n, d))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x)), approximate="tanh"))


class VisionEncoder(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        c = cfg.vision_dim
        self.stem = nn.Sequential(
            nn.Conv2d(3, 48, kernel_size=4, stride=4),  # 128 -> 32 (16 px patches of the frame)
            nn.GELU(approximate="tanh"),
            nn.Conv2d(48, 64, kernel_size=3, padding=1),
            nn.GELU(approximate="tanh"),
            nn.Conv2d(64, c, kernel_size=2, stride=2),  # 32 -> 16 (32 px cells)
        )
        self.position = nn.Parameter(torch.zeros(1, GRID * GRID, c))
        self.register_buffer("coordinates", sincos_2d(GRID, c), persistent=False)
        self.blocks = nn.ModuleList(VisionBlock(c, cfg.vision_heads, cfg.vision_mlp) for _ in range(cfg.vision_layers))
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.centre_head = nn.Linear(c, N_CLASSES)
        self.offset_head = nn.Linear(c, 2)
        summary = 3 * (N_CLASSES - 1)
        self.scene = nn.Sequential(nn.Linear(summary, 256), nn.GELU(approximate="tanh"), nn.Linear(256, cfg.text_dim))
        self.connector = nn.Linear(4 * c, cfg.text_dim)  # Idefics3Connector.modality_projection after pixel shuffle
        d = cfg.text_dim
        self.slot_shape = nn.Parameter(torch.randn(len(SHAPES), d) * 0.5)
        self.slot_colour = nn.Parameter(torch.randn(len(COLOUR_NAMES), d) * 0.5)
        self.slot_count = nn.Parameter(torch.randn(MAX_COUNT + 1, d) * 0.5)  # a row per number 0..6
        self.slot_present = nn.Parameter(torch.randn(d) * 0.5)
        self.slot_x = nn.Parameter(torch.randn(d) * 0.5)
        self.slot_y = nn.Parameter(torch.randn(d) * 0.5)
        self.slot_right = nn.Parameter(torch.randn(d) * 0.5)
        self.slot_below = nn.Parameter(torch.randn(d) * 0.5)
        self.slot_rank = nn.Parameter(torch.randn(d) * 0.5)
        self.slot_total = nn.Parameter(torch.randn(d) * 0.5)  # marks the totals apart from the kinds
        self.slot_all = nn.Parameter(torch.randn(d) * 0.5)
        # A row per quadrant (top left, top right, bottom left, bottom right), weighted like the
        # counts' soft one-hot, so "where" is copying a row. Zero at the start: the signed side
        # features alone left "top"/"bottom" at chance (horizontal 60/60 right, vertical 38/60 at
        # step 1500), and a zero row keeps a model trained without it answering as before.
        self.slot_quadrant = nn.Parameter(torch.zeros(4, d))
        self.register_buffer("numbers", torch.arange(MAX_COUNT + 1).float(), persistent=False)
        ys, xs = torch.meshgrid(torch.arange(GRID), torch.arange(GRID), indexing="ij")
        self.register_buffer("cell_x", xs.reshape(1, -1, 1).float(), persistent=False)
        self.register_buffer("cell_y", ys.reshape(1, -1, 1).float(), persistent=False)

    def cells(self, pooled: torch.Tensor) -> torch.Tensor:
        """[F, 3, 128, 128] -> cell features [F, 256, C]."""
        x = self.stem(pooled).flatten(2).transpose(1, 2) + self.position + self.coordinates
        for block in self.blocks:
            x = block(x)
        return self.norm(x)

    def forward(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.cells(pooled)
        centre_logits = self.centre_head(x)  # [F, 256, 19]
        offsets = torch.sigmoid(self.offset_head(x))  # [F, 256, 2], position inside the cell
        p = torch.softmax(centre_logits, dim=-1)[..., 1:]  # [F, 256, 18]
        counts = p.sum(1)  # [F, 18]
        cx = (p * ((self.cell_x + offsets[..., :1]) / GRID)).sum(1) / (counts + 1e-3)
        cy = (p * ((self.cell_y + offsets[..., 1:]) / GRID)).sum(1) / (counts + 1e-3)
        # The decoder reads what the dense heads found but does not train them: they learn from the
        # generator's ground truth alone. (With gradients from the answers flowing back through the
        # steep slot features - sides, ranks - the centre loss at step 600 was 3x worse and only
        # 68% of scenes had every count right.)
        counts_read, cx_read, cy_read = counts.detach(), cx.detach(), cy.detach()
        summary = torch.cat([counts_read, cx_read * 2 - 1, cy_read * 2 - 1], dim=-1)
        scene = self.scene(summary)  # [F, D]
        # Idefics3 pixel shuffle with factor 2 (same view/permute sequence as HF's connector).
        f, n, c = x.shape
        s = x.reshape(f, GRID, GRID // 2, c * 2).permute(0, 2, 1, 3).reshape(f, GRID // 2, GRID // 2, c * 4)
        s = s.permute(0, 2, 1, 3).reshape(f, (GRID // 2) ** 2, c * 4)
        tokens = self.connector(s) + scene[:, None, :]
        slots = self.slots(counts_read, cx_read, cy_read)
        tokens = torch.cat([slots + scene[:, None, :], tokens[:, slots.shape[1] :]], dim=1)
        return {"tokens": tokens, "centre_logits": centre_logits, "offsets": offsets, "counts": counts, "cx": cx, "cy": cy}

    def count_code(self, counts: torch.Tensor) -> torch.Tensor:
        """[..., K] soft counts -> [..., K, D]: a soft one-hot over 0..6 times the number table."""
        weights = torch.exp(-((counts[..., None] - self.numbers) ** 2) / (2 * 0.3**2))
        return weights @ self.slot_count

    def quadrant_code(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """[..., K] centres in -1..1 -> [..., K, D]: the quadrant rows weighted by how surely the
        centre lies in each (sure once it is 10% of the side from both centre lines)."""
        right, below = torch.sigmoid(20 * x), torch.sigmoid(20 * y)
        weights = torch.stack([(1 - right) * (1 - below), right * (1 - below), (1 - right) * below, right * below], dim=-1)
        return weights @ self.slot_quadrant

    def slots(self, counts: torch.Tensor, cx: torch.Tensor, cy: torch.Tensor) -> torch.Tensor:
        """[F, 28, D]: the 18 kinds in class order (shape-major: slot k is SHAPES[k // 6],
        COLOUR_NAMES[k % 6]), then the totals per shape, per colour and of all."""
        f, d = counts.shape[0], self.slot_shape.shape[-1]
        identity = (self.slot_shape[:, None, :] + self.slot_colour[None, :, :]).reshape(-1, d)
        present = counts.clamp(max=1.0)[..., None]
        x, y = cx * 2 - 1, cy * 2 - 1
        # Which side of each centre line: near +-1 once the centre is 10% of the side away, the
        # contract's margin for "where". Objects left of this one: others' counts weighted by a
        # sharp "is left of" (contract: the two options' centres are >= 5% of the width apart).
        left_of = torch.sigmoid(60 * (cx[:, :, None] - cx[:, None, :]))  # [F, i, j]: j is left of i
        rank = (left_of * counts[:, None, :]).sum(-1) - 0.5 * counts
        kinds = (
            identity[None]
            + self.count_code(counts)
            + present * self.slot_present
            + present * x[..., None] * self.slot_x
            + present * y[..., None] * self.slot_y
            + present * torch.tanh(10 * x)[..., None] * self.slot_right
            + present * torch.tanh(10 * y)[..., None] * self.slot_below
            + present * rank[..., None] * self.slot_rank
            + present * self.quadrant_code(x, y)
        )
        per_kind = counts.reshape(f, len(SHAPES), len(COLOUR_NAMES))
        totals = torch.cat([per_kind.sum(2), per_kind.sum(1), counts.sum(1, keepdim=True)], dim=1)  # [F, 10]
        names = torch.cat([self.slot_shape, self.slot_colour, self.slot_all[None]], dim=0)
        summed = names[None] + self.slot_total + self.count_code(totals)
        return torch.cat([kinds, summed], dim=1)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class DecoderLayer(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        d, hd = cfg.text_dim, cfg.head_dim
        self.input_norm = RMSNorm(d, cfg.rms_eps)
        self.q = nn.Linear(d, cfg.text_heads * hd, bias=False)
        self.k = nn.Linear(d, cfg.kv_heads * hd, bias=False)
        self.v = nn.Linear(d, cfg.kv_heads * hd, bias=False)
        self.o = nn.Linear(cfg.text_heads * hd, d, bias=False)
        self.post_norm = RMSNorm(d, cfg.rms_eps)
        self.gate = nn.Linear(d, cfg.text_mlp, bias=False)
        self.up = nn.Linear(d, cfg.text_mlp, bias=False)
        self.down = nn.Linear(cfg.text_mlp, d, bias=False)

    def forward(self, x, cos, sin, bias, past_k=None, past_v=None):
        cfg = self.cfg
        b, s, _ = x.shape
        h = self.input_norm(x)
        q = self.q(h).reshape(b, s, cfg.text_heads, cfg.head_dim).transpose(1, 2)
        k = self.k(h).reshape(b, s, cfg.kv_heads, cfg.head_dim).transpose(1, 2)
        v = self.v(h).reshape(b, s, cfg.kv_heads, cfg.head_dim).transpose(1, 2)
        q, k = rotary(q, cos, sin), rotary(k, cos, sin)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        groups = cfg.text_heads // cfg.kv_heads
        t = k.shape[2]
        # GQA by expand + reshape (exports cleanly; repeat_interleave does not).
        kx = k[:, :, None].expand(b, cfg.kv_heads, groups, t, cfg.head_dim).reshape(b, cfg.text_heads, -1, cfg.head_dim)
        vx = v[:, :, None].expand(b, cfg.kv_heads, groups, t, cfg.head_dim).reshape(b, cfg.text_heads, -1, cfg.head_dim)
        att = torch.softmax((q @ kx.transpose(-1, -2)) / math.sqrt(cfg.head_dim) + bias, dim=-1)
        out = (att @ vx).transpose(1, 2).reshape(b, s, cfg.text_heads * cfg.head_dim)
        x = x + self.o(out)
        h = self.post_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h)), present, att


class Decoder(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.text_dim)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.text_layers))
        self.norm = RMSNorm(cfg.text_dim, cfg.rms_eps)
        self.lm_head = nn.Linear(cfg.text_dim, cfg.vocab_size, bias=False)
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def rope(self, position_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = position_ids[..., None].float() * self.inv_freq  # [B, S, hd/2]
        emb = torch.cat([freqs, freqs], dim=-1)[:, None]  # [B, 1, S, hd]
        return emb.cos(), emb.sin()

    def forward(self, inputs_embeds, attention_mask, position_ids, past=None, lookup_layer: int | None = None):
        """attention_mask: [B, past + S] (1 = real token); position_ids: [B, S].

        The causal mask compares positions, not indices: a key's position is the running count of
        real tokens before it, exactly how transformers.js derives position_ids from the mask. So
        the same graph is right for a prefill on top of a cache, one-token decode steps and
        left-padded batches, and no sequence length is baked into the exported graph as a constant.
        With `lookup_layer`, also returns that layer's attention probabilities (training only).
        """
        key_pos = attention_mask.long().cumsum(-1) - 1  # [B, T]
        allowed = (key_pos[:, None, :] <= position_ids[:, :, None]) & (attention_mask[:, None, :] > 0)  # [B, S, T]
        bias = torch.where(allowed, torch.zeros(()), torch.full((), -1e9))[:, None]  # [B, 1, S, T]
        cos, sin = self.rope(position_ids)
        x = inputs_embeds
        presents = []
        lookup = None
        for i, layer in enumerate(self.layers):
            pk, pv = (None, None) if past is None else past[i]
            x, present, att = layer(x, cos, sin, bias, pk, pv)
            presents.append(present)
            if i == lookup_layer:
                lookup = att
        if lookup_layer is not None:
            return self.lm_head(self.norm(x)), presents, lookup
        return self.lm_head(self.norm(x)), presents


class ShapesVLM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.vision = VisionEncoder(cfg)
        self.decoder = Decoder(cfg)
