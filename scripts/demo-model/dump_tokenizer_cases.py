"""Writes {text, ids} cases (whole chats in the app's prompt layout) for check-tokenizer.ts."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
import conversations as conv  # noqa: E402
import train  # noqa: E402

work, out = sys.argv[1], sys.argv[2]
tok = train.load_or_build_tokenizer(work)
rng = random.Random(5)
cases = []
for i in range(300):
    chat = conv.sample_chat(rng, max_turns=4, two_image_share=0.2)
    layouts = [(rng.choice([0, 1, 2, 3]),) * 2 if rng.random() < 0.5 else (0, 0) for _ in chat.scenes]
    layouts = [(r, c) if r else (0, 0) for r, c in layouts]
    segments = conv.prompt_segments(chat, layouts)
    text = "".join(t for t, _ in segments)
    ids = [t for s, _ in segments for t in tok.encode(s)]
    assert ids == tok.encode(text), "segment-wise and whole-text encodings differ"
    cases.append({"text": text, "ids": ids})
with open(out, "w") as f:
    json.dump(cases, f)
print(f"{len(cases)} cases")
