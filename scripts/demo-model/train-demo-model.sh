#!/usr/bin/env bash
# npm run train-demo-model: installs what training needs, checks the tokenizer against
# transformers.js, trains the shapes-demo model with a fixed seed (resuming from the last
# checkpoint if a run was cut short), exports it into public/models/shapes-demo, writes the
# held-out set and the app's example scenes, and evaluates PyTorch and the exported files in the
# browser. Figures go to scripts/demo-model/.work/*.json and into docs/demo-model.md.
#
#   npm run train-demo-model [-- --fresh]
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=scripts/demo-model
WORK=$HERE/.work
MODEL=public/models/shapes-demo
# The schedule is 1800 steps long (learning rate, curriculum stages), run in three stages as the
# committed model was trained (the warm-up steps cost ~0.9 s, the later ones ~4 s on two cores:
# tiles, two images, five turns):
#   1. steps 0-1500, with a linear cooldown from 1000; the quadrant rows are kept at zero;
#   2. steps 1500-1800: the quadrant rows learn (from zero, optimiser restarted, 10x its rate),
#      the weakest kinds of question ("where", "further left", "how many shapes") asked more
#      often, another linear cooldown from 1500;
#   3. steps 1800-2000: "further left" asked 3x as often and its lookup loss weighed 4x, a
#      cooldown from the rate a 2100-step schedule has at 1800 (2e-4) to the floor.
# Stage 2 lifted "where" from 52% to 97% of the held-out questions, stage 3 "further left" from
# 88% to 91% (docs/demo-model.md).
STEPS=1800
FRESH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) FRESH=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Debian's PyTorch and ONNX; /usr/bin/python3 is the interpreter that sees them (another
# python3 may come first on PATH).
PY=/usr/bin/python3
if ! $PY -c 'import torch, onnx, PIL, numpy' 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "Installing python3-torch python3-onnx python3-pil python3-numpy libopenblas0-pthread (Debian packages)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  # Without OpenBLAS, torch runs on the reference BLAS, about ten times slower.
  $SUDO apt-get install -y -qq python3-torch python3-onnx python3-pil python3-numpy libopenblas0-pthread >/dev/null
fi
[ -d node_modules ] || npm ci
[ "$FRESH" = 1 ] && rm -rf "$WORK"
mkdir -p "$WORK"
START=$(date +%s)

echo "== 1/6 tokenizer: Python and transformers.js must give the same ids"
$PY -c "import sys; sys.path.insert(0, '$HERE'); import train, tokenizer as t; t.save(train.load_or_build_tokenizer('$WORK'), '$WORK/tokenizer.json')"
mkdir -p "$WORK/tokenizer-check"
cp "$WORK/tokenizer.json" "$WORK/tokenizer-check/tokenizer.json"
echo '{"tokenizer_class": "GPT2Tokenizer", "add_prefix_space": false, "clean_up_tokenization_spaces": false}' > "$WORK/tokenizer-check/tokenizer_config.json"
$PY $HERE/dump_tokenizer_cases.py "$WORK" "$WORK/tokenizer-cases.json"
npx tsx $HERE/check-tokenizer.ts "$WORK/tokenizer-check" "$WORK/tokenizer-cases.json"

echo "== 2/6 training ($STEPS steps in two stages, checkpoint every 100; rerun to resume)"
# One BLAS thread: the data-generating worker process needs the other core (OpenBLAS's own
# thread pool ignores torch.set_num_threads and made every step 3-6x slower on two cores).
# Raised priority where allowed (root): anything else running on the machine slows it less. With
# the kernel's autogroup scheduling a nice value counts only within its session, so the session's
# group is raised too.
NICE=$([ "$(id -u)" = 0 ] && echo "nice -n -10" || echo "")
if [ "$(id -u)" = 0 ] && [ -w /proc/$$/autogroup ]; then echo -10 > /proc/$$/autogroup 2>/dev/null || true; fi
train() { OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $NICE $PY $HERE/train.py --work "$WORK" --steps "$STEPS" --threads 1 --eval-every 600 "$@"; }
train --stop-at 1500 --cooldown-from 1000 --grow-at 1500
train --stop-at 1800 --cooldown-from 1500 --favour-from 1500 --grow-at 1500
train --steps 2100 --stop-at 2000 --cooldown-from 1800 --favour-from 1500 --grow-at 1500 \
  --favour further_left=3,where=1.5,count_all=1.5 --lookup-weights further_left=4

echo "== 3/6 export to $MODEL (fp32 and q8)"
rm -rf "$MODEL"
$PY $HERE/export.py --work "$WORK" --out "$MODEL"
$PY -c "
import json, sys, torch
sys.path.insert(0, '$HERE')
ckpt = torch.load('$WORK/checkpoint.pt')
config = dict(ckpt['config'])
config['_demo_model'] = {'description': 'Trained by npm run train-demo-model on generated scenes of simple shapes; see docs/demo-model.md.', 'steps': ckpt['step']}
json.dump(config, open('$WORK/model-config.json', 'w'))
"
npx tsx $HERE/write-model-folder.ts --model "$MODEL" --tokenizer "$WORK/tokenizer.json" --config "$WORK/model-config.json"

echo "== 4/6 held-out set (own seed) and example scenes"
$PY $HERE/heldout.py --out $HERE/heldout --examples public/examples/shapes

echo "== 5/6 held-out accuracy in PyTorch"
$PY $HERE/evaluate.py --work "$WORK" --heldout $HERE/heldout --out "$WORK/eval-pytorch.json" --threads 2

echo "== 6/6 held-out accuracy of the exported files, run by the app's worker in Chromium"
bash scripts/ensure-chromium.sh
npm run build >/dev/null
npx tsx $HERE/evaluate-browser.ts --backend wasm --details low,auto --out "$WORK/eval-browser-wasm.json"
# WebGPU here is SwiftShader (software, slow): a sample of every tenth chat.
npx tsx $HERE/evaluate-browser.ts --backend webgpu --details auto --every 10 --out "$WORK/eval-browser-webgpu.json"
npx tsx $HERE/report.ts --work "$WORK" --doc docs/demo-model.md --seconds $(( $(date +%s) - START ))
