"""The demo model's own tokenizer: byte-level BPE in the exact layout of SmolVLM's tokenizer.json
(same special tokens in the same id order, Digits + ByteLevel pre-tokenizers, the chat template),
with merges learned from the contract's own questions and answers, so the vocabulary is a few
hundred rows instead of 49,280. One difference: a Lowercase normalizer, so that the contract's
"case-insensitive" holds by construction (the answers are lower case anyway).

`encode` here must give the ids transformers.js gives; scripts/demo-model/check-tokenizer.ts
checks that on every template string before training starts.
"""
from __future__ import annotations

import json
import re
from collections import Counter

LEADING_SPECIAL = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
GLOBAL_IMG = "<global-img>"
FAKE_IMAGE = "<fake_token_around_image>"
IMAGE = "<image>"
END_OF_UTTERANCE = "<end_of_utterance>"


def trailing_special() -> list[str]:
    row_col = [f"<row_{r}_col_{c}>" for r in range(1, 7) for c in range(1, 7)]
    return [GLOBAL_IMG, *row_col, FAKE_IMAGE, IMAGE, END_OF_UTTERANCE]


def bytes_to_unicode() -> list[str]:
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars: list[str | None] = [None] * 256
    for b in printable:
        chars[b] = chr(b)
    n = 0
    for b in range(256):
        if chars[b] is None:
            chars[b] = chr(256 + n)
            n += 1
    return chars  # type: ignore[return-value]


BYTE_CHARS = bytes_to_unicode()
# HF ByteLevel's split regex, ASCII form (the contract's text is ASCII; the Node check covers it).
_SPLIT = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+")


def pre_tokenize(text: str) -> list[str]:
    pieces: list[str] = []
    for part in re.split(r"([0-9])", text):
        if part == "":
            continue
        for m in _SPLIT.finditer(part):
            pieces.append("".join(BYTE_CHARS[b] for b in m.group(0).encode("utf-8")))
    return pieces


def merge_pair(symbols: list[str], a: str, b: str) -> list[str]:
    """Every adjacent (a, b) in `symbols` joined into one symbol, left to right."""
    out: list[str] = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def train_merges(corpus: list[str], max_merges: int = 600) -> list[tuple[str, str]]:
    counts: Counter[str] = Counter()
    for line in corpus:
        for piece in pre_tokenize(line.lower()):
            counts[piece] += 1
    words = [[list(w), c] for w, c in sorted(counts.items())]
    merges: list[tuple[str, str]] = []
    while len(merges) < max_merges:
        pairs: Counter[tuple[str, str]] = Counter()
        for symbols, c in words:
            for i in range(len(symbols) - 1):
                pairs[(symbols[i], symbols[i + 1])] += c
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if best[1] < 2:
            break
        a, b = best[0]
        merges.append((a, b))
        for word in words:
            word[0] = merge_pair(word[0], a, b)
    return merges


class Tokenizer:
    def __init__(self, merges: list[tuple[str, str]]):
        self.merges = merges
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        vocab: dict[str, int] = {}
        for t in LEADING_SPECIAL:
            vocab[t] = len(vocab)
        printable = [c for b, c in enumerate(BYTE_CHARS) if ord(c) == b]
        rest = [c for b, c in enumerate(BYTE_CHARS) if ord(c) != b]
        for c in printable + rest:
            vocab[c] = len(vocab)
        for a, b in merges:
            if a + b not in vocab:
                vocab[a + b] = len(vocab)
        self.vocab = vocab
        self.special: dict[str, int] = {t: i for i, t in enumerate(LEADING_SPECIAL)}
        next_id = len(vocab)
        for t in trailing_special():
            self.special[t] = next_id
            next_id += 1
        self.size = next_id
        self.id_to_token = {i: t for t, i in vocab.items()} | {i: t for t, i in self.special.items()}
        self._special_re = re.compile("(" + "|".join(re.escape(t) for t in sorted(self.special, key=len, reverse=True)) + ")")
        self._cache: dict[str, list[int]] = {}

    def _bpe(self, piece: str) -> list[int]:
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        symbols = list(piece)
        while len(symbols) > 1:
            best = None
            for i in range(len(symbols) - 1):
                r = self.ranks.get((symbols[i], symbols[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            symbols = merge_pair(symbols, symbols[best[1]], symbols[best[1] + 1])
        ids = [self.vocab[s] for s in symbols]
        self._cache[piece] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for part in self._special_re.split(text):
            if part == "":
                continue
            if part in self.special:
                ids.append(self.special[part])
                continue
            for piece in pre_tokenize(part.lower()):
                ids.extend(self._bpe(piece))
        return ids

    def decode(self, ids: list[int]) -> str:
        inverse = {c: b for b, c in enumerate(BYTE_CHARS)}
        out = bytearray()
        for i in ids:
            if i in self.special.values() or i < len(LEADING_SPECIAL):
                continue
            out.extend(inverse[c] for c in self.id_to_token[i])
        return out.decode("utf-8", errors="replace")

    def to_json(self) -> dict:
        added = [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for t, i in sorted(self.special.items(), key=lambda kv: kv[1])
        ]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "Lowercase"},
            "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [
                    {"type": "Digits", "individual_digits": True},
                    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
                ],
            },
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [[a, b] for a, b in self.merges],
            },
        }


def build(corpus: list[str]) -> Tokenizer:
    return Tokenizer(train_merges(corpus))


def save(tok: Tokenizer, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok.to_json(), f, ensure_ascii=False, indent=1)
