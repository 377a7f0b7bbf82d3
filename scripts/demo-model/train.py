"""Trains the shapes-demo model on CPU with a fixed seed, checkpointing so a run cut short resumes
where it stopped.  /usr/bin/python3 scripts/demo-model/train.py --work <dir> [--steps N]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections import defaultdict

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))

import conversations as conv  # noqa: E402
import shapes_world as world  # noqa: E402
import tokenizer as toklib  # noqa: E402
from model import Config, ShapesVLM  # noqa: E402

SEED = 20261201
# The decoder layer whose attention, at each answer token, is trained to rest on the slots the
# answer is read from (dense supervision of the lookup): head 0, and head 1 for the second image of a
# two-image question in the later stage; the other heads are free.
LOOKUP_LAYER = 2
# From this share of the steps on, the lookup targets narrow (conversations.encode_chat).
REFINE_LOOKUP_FROM = 1 / 3
BATCH = 24
MICRO_BATCH = 8


def tokenizer_corpus(rng: random.Random) -> list[str]:
    """Every wording of every contract question and answer, plus the chat template's words."""
    lines = ["<|im_start|>User: hi<end_of_utterance>\nAssistant: hi<end_of_utterance>\n", "User:", "Assistant:"]
    for _ in range(3000):
        scene = world.sample_scene(rng)
        for qtype in world.QUESTION_TYPES[:-1]:
            for q in world.candidates(scene, rng, qtype):
                lines += [q.text, q.text.replace("colour", "color"), " " + q.answer]
        other = world.sample_scene(rng)
        q = world.compare_question(scene, other, rng)
        if q:
            lines += [q.text, " " + q.answer]
    return lines


def load_or_build_tokenizer(work: str) -> toklib.Tokenizer:
    path = os.path.join(work, "merges.json")
    if os.path.exists(path):
        with open(path) as f:
            return toklib.Tokenizer([tuple(m) for m in json.load(f)])
    tok = toklib.build(tokenizer_corpus(random.Random(SEED + 1)))
    with open(path, "w") as f:
        json.dump(tok.merges, f)
    return tok


# --- Data ------------------------------------------------------------------------------------


# The kinds of question asked more often in the later stages (--favour-from): by default the weakest
# at step 1500 ("where" 52%, "further left" 91%, "how many shapes" 93% of the held-out questions).
FAVOURED_TYPES = {"where": 3.0, "further_left": 1.5, "count_all": 1.5}


def parse_weights(text: str) -> dict[str, float]:
    """'where=3,further_left=1.5' -> {'where': 3.0, 'further_left': 1.5}"""
    weights = {}
    for part in text.split(","):
        name, value = part.split("=")
        if name not in world.QUESTION_TYPES:
            raise SystemExit(f"unknown kind of question {name!r}")
        weights[name] = float(value)
    return weights


def schedule(step: int, total: int, favour_from: int | None = None, favoured: dict[str, float] | None = None) -> dict:
    """Curriculum: single-frame (detail low) chats first, while the vision heads learn and the
    decoder learns to read them; then tiled layouts too (detail auto, WASM's and WebGPU's caps);
    from `favour_from` on, the weakest kinds of question more often."""
    warm = step < int(total * 0.35)
    return {
        "auto_share": 0.0 if warm else 0.4,
        "two_image_share": 0.12 if warm else 0.16,
        "max_turns": 4 if warm else 5,
        "type_weights": (favoured or FAVOURED_TYPES) if favour_from is not None and step >= favour_from else None,
    }


def make_batch(step: int, total: int, tok: toklib.Tokenizer, favour_from: int | None = None, favoured: dict[str, float] | None = None) -> list[conv.Encoded]:
    rng = random.Random(SEED * 1000003 + step)
    s = schedule(step, total, favour_from, favoured)
    out = []
    for _ in range(BATCH):
        chat = conv.sample_chat(rng, max_turns=s["max_turns"], two_image_share=s["two_image_share"], type_weights=s["type_weights"])
        detail = "auto" if rng.random() < s["auto_share"] else "low"
        device = "webgpu" if rng.random() < 0.4 else "wasm"
        out.append(conv.encode_chat(chat, tok, detail, device, rng, refine_lookup=step >= int(total * REFINE_LOOKUP_FROM)))
    return out


class Batches(torch.utils.data.IterableDataset):
    def __init__(self, start: int, total: int, tok: toklib.Tokenizer, stop: int, favour_from: int | None, favoured: dict[str, float] | None):
        self.start, self.total, self.tok, self.stop = start, total, tok, stop
        self.favour_from, self.favoured = favour_from, favoured

    def __iter__(self):
        torch.set_num_threads(1)
        for step in range(self.start, self.stop):
            yield step, make_batch(step, self.total, self.tok, self.favour_from, self.favoured)


# --- Forward ---------------------------------------------------------------------------------


def embed_sequence(model: ShapesVLM, ids: list[int], image_tokens: torch.Tensor, image_id: int) -> torch.Tensor:
    """Token embeddings with each <image> replaced, in order, by a row of image features."""
    t = torch.tensor(ids)
    emb = model.decoder.embed(t)
    positions = (t == image_id).nonzero().squeeze(1)
    assert positions.numel() == image_tokens.shape[0], (positions.numel(), image_tokens.shape)
    return emb.index_copy(0, positions, image_tokens)


def losses(model: ShapesVLM, batch: list[conv.Encoded], image_id: int, lookup_weights: dict[str, float] | None = None) -> dict[str, torch.Tensor]:
    """The loss terms of a micro-batch; `lookup_weights` weighs the lookup rows of some kinds of
    question more (a weighted mean, so the term keeps its scale)."""
    frames = torch.cat([b.frames for b in batch], 0)
    vision = model.vision(frames)
    tokens = vision["tokens"]
    # Per-sequence embeddings, padded at the end.
    seqs, masks, labels = [], [], []
    offset = 0
    longest = max(len(b.ids) for b in batch)
    for b in batch:
        n = b.frames.shape[0]
        emb = embed_sequence(model, b.ids, tokens[offset : offset + n].reshape(-1, tokens.shape[-1]), image_id)
        pad = longest - len(b.ids)
        seqs.append(F.pad(emb, (0, 0, 0, pad)))
        masks.append(torch.tensor([1] * len(b.ids) + [0] * pad))
        target = torch.tensor(b.ids[1:] + [0] * (pad + 1))
        sup = torch.tensor(b.supervised[1:] + [False] * (pad + 1))
        labels.append(torch.where(sup, target, torch.full_like(target, -100)))
        offset += n
    x = torch.stack(seqs)
    mask = torch.stack(masks)
    positions = torch.arange(longest)[None].expand(len(batch), -1)
    logits, _, attention = model.decoder(x, mask, positions, lookup_layer=LOOKUP_LAYER)
    answer = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.stack(labels).reshape(-1), ignore_index=-100)
    # One gather of the supervised attention rows, then a mask of their target slots (indexing the
    # whole attention tensor once per question made every backward allocate a dense copy of it).
    rows_b, rows_h, rows_q, row_weights = [], [], [], []
    target = torch.zeros(sum(len(b.lookups) for b in batch), attention.shape[-1])
    for i, b in enumerate(batch):
        for query, head, slots, qtype in b.lookups:
            target[len(rows_b), slots] = 1.0
            rows_b.append(i)
            rows_h.append(head)
            rows_q.append(query)
            row_weights.append((lookup_weights or {}).get(qtype, 1.0))
    rows = attention[torch.tensor(rows_b), torch.tensor(rows_h), torch.tensor(rows_q)]  # [L, T]
    weights = torch.tensor(row_weights)
    lookup = (-torch.log((rows * target).sum(-1) + 1e-6) * weights).sum() / weights.sum()

    # Dense supervision of each image's global frame.
    glob, cls, off, cnt = [], [], [], []
    offset = 0
    for b in batch:
        for g, scene in zip(b.global_frames, b.scenes):
            c, o, n = conv.centre_targets(scene)
            glob.append(offset + g)
            cls.append(c)
            off.append(o)
            cnt.append(n)
        offset += b.frames.shape[0]
    gi = torch.tensor(glob)
    cls_t, off_t, cnt_t = torch.stack(cls), torch.stack(off), torch.stack(cnt)
    weight = torch.ones(vision["centre_logits"].shape[-1])
    weight[1:] = 8.0  # object centres are ~3 of 256 cells
    centre = F.cross_entropy(vision["centre_logits"][gi].reshape(-1, weight.numel()), cls_t.reshape(-1), weight=weight)
    has = cls_t > 0
    offset_loss = (vision["offsets"][gi][has] - off_t[has]).abs().mean() if has.any() else torch.zeros(())
    # Per kind only: adding the totals' errors (per shape, per colour, all) made this term four
    # times larger and slowed the centre heads it competes with (centre loss 0.31 vs 0.22 at step 200).
    count_loss = (vision["counts"][gi] - cnt_t).abs().sum(-1).mean()
    return {"answer": answer, "lookup": lookup, "centre": centre, "offset": offset_loss, "count": count_loss}


# --- Greedy answers (evaluation) ---------------------------------------------------------------


@torch.no_grad()
def answer_chat(model: ShapesVLM, tok: toklib.Tokenizer, chat: conv.Chat, detail: str, device: str) -> list[str]:
    """The model's answers to each turn, its own earlier answers in the history (as in the app)."""
    image_id = tok.special[toklib.IMAGE]
    eou = tok.special[toklib.END_OF_UTTERANCE]
    order = [j for turn in chat.turns for j in turn.images]
    per_image = {j: processor_frames(chat, j, detail, device) for j in sorted(set(order))}
    layouts = [(per_image[j][1], per_image[j][2]) if j in per_image else (0, 0) for j in range(len(chat.scenes))]
    frames = torch.cat([per_image[j][0] for j in order], 0)
    image_tokens = model.vision(frames)["tokens"].reshape(-1, model.cfg.text_dim)
    answers: list[str] = []
    for i in range(len(chat.turns)):
        segments = conv.prompt_segments(chat, layouts, answers)
        ids = [t for text, _ in segments for t in tok.encode(text)]
        out: list[int] = []
        # Prefill the prompt once, then one token at a time on the KV cache, as the app does.
        emb = embed_sequence(model, ids, image_tokens[: sum(1 for t in ids if t == image_id)], image_id)[None]
        logits, past = model.decoder(emb, torch.ones(1, len(ids)), torch.arange(len(ids))[None])
        for step in range(8):
            nxt = int(logits[0, -1].argmax())
            if nxt == eou:
                break
            out.append(nxt)
            position = len(ids) + step
            logits, past = model.decoder(
                model.decoder.embed(torch.tensor([[nxt]])), torch.ones(1, position + 1), torch.tensor([[position]]), past
            )
        answers.append(tok.decode(out).strip())
    return answers


def processor_frames(chat: conv.Chat, j: int, detail: str, device: str):
    import processor

    return processor.frames_for(chat.pictures[j], detail, device, None)


def evaluate(model: ShapesVLM, tok: toklib.Tokenizer, seed: int, n_chats: int, detail: str, device: str = "wasm") -> dict:
    rng = random.Random(seed)
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    model.eval()
    for _ in range(n_chats):
        chat = conv.sample_chat(rng, max_turns=3, two_image_share=0.2)
        for turn, got in zip(chat.turns, answer_chat(model, tok, chat, detail, device)):
            total[turn.question.type] += 1
            right[turn.question.type] += world.grade(got, turn.question.answer)
    model.train()
    per_type = {t: right[t] / total[t] for t in total}
    return {"overall": sum(right.values()) / max(1, sum(total.values())), "per_type": per_type, "n": sum(total.values())}


# --- Main ------------------------------------------------------------------------------------


LR_FLOOR = 1e-4
# Parameters grown into a model late in its schedule start from zero at a learning rate near the
# floor: ten times that lets them reach the scale of the other slot rows within a few hundred steps.
GROWN_LR_SCALE = 10.0


def lr_at(step: int, total: int, peak: float = 2e-3, cooldown_from: int | None = None, stop_at: int | None = None) -> float:
    """Warm-up, cosine decay over `total` steps; with a cooldown, from `cooldown_from` on a linear
    decay to the floor at `stop_at` (a run made shorter than its schedule, ending annealed)."""
    warm = 100
    if step < warm:
        return peak * (step + 1) / warm
    if cooldown_from is not None and stop_at is not None and step >= cooldown_from:
        start = lr_at(cooldown_from, total, peak)
        return LR_FLOOR + (start - LR_FLOOR) * max(0.0, (stop_at - step) / max(1, stop_at - cooldown_from))
    progress = (step - warm) / max(1, total - warm)
    return LR_FLOOR + (peak - LR_FLOOR) * 0.5 * (1 + math.cos(math.pi * progress))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--steps", type=int, default=3000, help="the schedule's length (learning rate, curriculum stages)")
    ap.add_argument("--stop-at", type=int, help="end here instead, after a linear cooldown (default: --steps)")
    ap.add_argument("--cooldown-from", type=int, help="where the cooldown to --stop-at begins")
    ap.add_argument("--favour-from", type=int, help="from this step on, ask the weakest kinds of question more often")
    ap.add_argument("--favour", type=parse_weights, help="how much more often, per kind: 'where=3,further_left=1.5' (default: FAVOURED_TYPES)")
    ap.add_argument("--lookup-weights", type=parse_weights, help="weigh the lookup loss of some kinds more: 'further_left=4'")
    ap.add_argument(
        "--grow-at",
        type=int,
        help="keep the quadrant rows at zero until this step, then let them learn (optimiser restarted, faster rate): how the committed model got them",
    )
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=250)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    random.seed(SEED)

    tok = load_or_build_tokenizer(args.work)
    toklib.save(tok, os.path.join(args.work, "tokenizer.json"))
    cfg = Config(vocab_size=tok.size)
    model = ShapesVLM(cfg)
    # Two groups so that parameters grown into a trained model can learn faster than the rest
    # (`lr_scale`, saved with the optimiser's state).
    grown = [model.vision.slot_quadrant]
    rest = [p for p in model.parameters() if all(p is not g for g in grown)]

    def optimiser(grown_lr_scale: float) -> torch.optim.Optimizer:
        groups = [{"params": rest, "lr_scale": 1.0}, {"params": grown, "lr_scale": grown_lr_scale}]
        return torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.01, betas=(0.9, 0.98))

    opt = optimiser(1.0)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    start = 0
    log_path = os.path.join(args.work, "train-log.jsonl")
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path)
        # Parameters added to the model after the checkpoint was written (the quadrant rows) keep
        # their zero start, so the model answers as before; the optimiser then starts afresh,
        # since its saved state is indexed by the old parameter list.
        missing, unexpected = model.load_state_dict(ckpt["model"], strict=False)
        if unexpected or any(model.state_dict()[k].abs().sum() != 0 for k in missing):
            raise SystemExit(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")
        if missing:
            opt = optimiser(GROWN_LR_SCALE)
            print(f"grown since the checkpoint (zero, optimiser restarted, {GROWN_LR_SCALE}x learning rate): {missing}", flush=True)
        else:
            opt.load_state_dict(ckpt["optimizer"])
        start = ckpt["step"]
        torch.set_rng_state(ckpt["torch_rng"])
        print(f"resumed at step {start}", flush=True)
    params = sum(p.numel() for p in model.parameters())
    print(f"tokenizer {tok.size} ids; model {params / 1e6:.2f} M parameters; steps {start}..{args.steps}", flush=True)
    image_id = tok.special[toklib.IMAGE]

    stop = args.stop_at or args.steps
    cooldown = args.cooldown_from if args.stop_at else None
    lr = lambda step: lr_at(step, args.steps, cooldown_from=cooldown, stop_at=stop)  # noqa: E731
    loader = torch.utils.data.DataLoader(Batches(start, args.steps, tok, stop, args.favour_from, args.favour), batch_size=None, num_workers=1, prefetch_factor=4)
    t0 = time.time()
    running: dict[str, float] = defaultdict(float)
    growing_later = args.grow_at is not None and start <= args.grow_at
    for p in grown:
        p.requires_grad_(not growing_later)
    for step, batch in loader:
        if growing_later and step == args.grow_at:
            for p in grown:
                p.requires_grad_(True)
            opt = optimiser(GROWN_LR_SCALE)
            print(f"step {step}: the quadrant rows start learning (optimiser restarted, {GROWN_LR_SCALE}x learning rate)", flush=True)
        for group in opt.param_groups:
            group["lr"] = lr(step) * group["lr_scale"]
        aux_weight = 1.0 if step < args.steps // 2 else 0.5
        opt.zero_grad()
        # Length-sorted micro-batches: padding every chat to the batch's longest wasted half the compute.
        batch = sorted(batch, key=lambda b: len(b.ids))
        chunks = [batch[i : i + MICRO_BATCH] for i in range(0, len(batch), MICRO_BATCH)]
        parts = defaultdict(float)
        for chunk in chunks:
            chunk_parts = losses(model, chunk, image_id, args.lookup_weights)
            loss = chunk_parts["answer"] + 0.5 * chunk_parts["lookup"] + aux_weight * (chunk_parts["centre"] + chunk_parts["offset"] + 0.3 * chunk_parts["count"])
            (loss / len(chunks)).backward()
            for k, v in chunk_parts.items():
                parts[k] += float(v) / len(chunks)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        for k, v in parts.items():
            running[k] += float(v)
        done = step + 1
        if done % 25 == 0:
            msg = " ".join(f"{k} {v / 25:.3f}" for k, v in running.items())
            print(f"step {done} {msg} lr {lr(step):.2e} {(time.time() - t0) / (done - start):.2f}s/step", flush=True)
            running.clear()
        if done % 100 == 0 or done == stop:
            torch.save(
                {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": done, "config": cfg.to_dict(), "torch_rng": torch.get_rng_state()},
                ckpt_path + ".tmp",
            )
            os.replace(ckpt_path + ".tmp", ckpt_path)
        if done % args.eval_every == 0 or done == stop:
            result = {"step": done, "elapsed_s": round(time.time() - t0, 1)}
            for detail in ("low", "auto"):
                result[detail] = evaluate(model, tok, seed=424242, n_chats=60, detail=detail)
            print(json.dumps(result), flush=True)
            with open(log_path, "a") as f:
                f.write(json.dumps(result) + "\n")
    print(f"trained to step {stop} in {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
