"""Held-out accuracy of the PyTorch model, per question type and image detail.

  /usr/bin/python3 scripts/demo-model/evaluate.py --work <dir> --heldout scripts/demo-model/heldout [--out result.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict

import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import conversations as conv  # noqa: E402
import shapes_world as world  # noqa: E402
import train  # noqa: E402
from model import Config, ShapesVLM  # noqa: E402


def load(work: str) -> tuple[ShapesVLM, object, int]:
    ckpt = torch.load(os.path.join(work, "checkpoint.pt"))
    model = ShapesVLM(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, train.load_or_build_tokenizer(work), ckpt["step"]


def chat_of(item: dict, folder: str) -> conv.Chat:
    pictures = [Image.open(os.path.join(folder, name)).convert("RGB") for name in item["images"]]
    chat = conv.Chat([world.Scene(p.width, p.height, (255, 255, 255)) for p in pictures], pictures)
    for i, t in enumerate(item["turns"]):
        images = list(range(len(pictures))) if i == 0 else []
        chat.turns.append(conv.Turn(images, world.Question(t["type"], t["question"], t["answer"])))
    return chat


def evaluate(model: ShapesVLM, tok, heldout: str, detail: str, device: str) -> dict:
    with open(os.path.join(heldout, "heldout.json")) as f:
        data = json.load(f)
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    wrong: list[dict] = []
    for item in data["chats"]:
        chat = chat_of(item, heldout)
        answers = train.answer_chat(model, tok, chat, detail, device)
        for t, got in zip(item["turns"], answers):
            total[t["type"]] += 1
            ok = world.grade(got, t["answer"])
            right[t["type"]] += ok
            if not ok and len(wrong) < 40:
                wrong.append({"images": item["images"], "question": t["question"], "expected": t["answer"], "got": got})
    per_type = {k: {"right": right[k], "total": total[k], "accuracy": right[k] / total[k]} for k in world.QUESTION_TYPES if total[k]}
    n = sum(total.values())
    return {"detail": detail, "device": device, "questions": n, "accuracy": sum(right.values()) / n, "per_type": per_type, "wrong_sample": wrong}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, tok, step = load(args.work)
    results = {"step": step, "runs": []}
    # WebGPU's tiling (up to 3x3) is measured on the exported files in the browser.
    for detail, device in (("low", "wasm"), ("auto", "wasm")):
        t0 = time.time()
        r = evaluate(model, tok, args.heldout, detail, device)
        results["runs"].append(r)
        types = " ".join(f"{k} {v['accuracy']:.3f}" for k, v in r["per_type"].items())
        print(f"pytorch step {step} {detail}/{device}: {r['accuracy']:.4f} of {r['questions']} ({time.time() - t0:.0f} s) | {types}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
