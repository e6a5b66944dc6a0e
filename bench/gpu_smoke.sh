#!/usr/bin/env bash
# One run on a device machine: train, predict, evaluate, pretrain, translate and serve on DEVICE, printing throughput.
#   XLT_DATA=../shared/data bash bench/gpu_smoke.sh [DEVICE]      (DEVICE: cuda (default), cuda:1, mps, cpu)
#   TRANSLATOR=hf:FOLDER (a local Marian/NLLB folder) adds a timed `xlt translate`; without it that step is skipped.
# Needs the venv of `make install` (torch with CUDA on a GPU machine: pip install torch, then pip install -e '.[all]').
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICE=${1:-cuda}
BIN=${BIN:-.venv/bin}
OUT=${OUT:-runs/gpu-smoke}
export XLT_DATA=${XLT_DATA:-$(cd .. && pwd)/shared/data}
mkdir -p "$OUT"
"$BIN/python" - <<PY
import platform, torch
print("torch", torch.__version__, "| cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-", "| cpu", platform.processor())
PY

echo "== train (the demo config, 1 epoch; the Trainer puts the model on the GPU, bf16 where supported)"
/usr/bin/time -f "train wall %e s" "$BIN/xlt" train examples/emoji_groups.yaml --set training.epochs=1 \
  --set name=gpu-smoke --set output_dir="$(dirname "$OUT")" --overwrite | tail -4

echo "== predict on $DEVICE: 20,000 texts"
"$BIN/python" - "$OUT" <<'PY' > "$OUT/texts.txt"
import sys
from xlt.corpus.spec import DataSpec
texts = DataSpec.parse("builtin:emoji-groups").load()["text"]
for i in range(20000):
    print(texts[i % len(texts)])
PY
start=$(date +%s.%N)
"$BIN/xlt" predict "$OUT" --input "$OUT/texts.txt" --device "$DEVICE" > "$OUT/predictions.jsonl"
end=$(date +%s.%N)
"$BIN/python" -c "import sys; n=sum(1 for _ in open('$OUT/predictions.jsonl')); print(f'predict: {n} texts, {n/($end-$start):.0f} texts/s (model load included)')"

echo "== evaluate on $DEVICE with speed, --dtype auto (bfloat16 on a GPU that has it) and float32"
for dtype in auto float32; do
  "$BIN/xlt" evaluate "$OUT" --data builtin:emoji-groups -l en -l ja --device "$DEVICE" --dtype "$dtype" --speed \
    --output "$OUT/eval-$dtype" | tail -3
  cat "$OUT/eval-$dtype/speed.json"
done

echo "== pretrain on $DEVICE: 20 alignment steps (held-out loss, Trainer and teacher on one device)"
(  # a one-process Trainer takes the first visible GPU: cuda:N becomes CUDA_VISIBLE_DEVICES=N and cuda
  if [[ $DEVICE == cuda:* ]]; then export CUDA_VISIBLE_DEVICES=${DEVICE#cuda:}; fi
  /usr/bin/time -f "pretrain wall %e s" "$BIN/xlt" pretrain examples/pretrain_align.yaml --device "${DEVICE%%:*}" \
    --set training.max_steps=20 --set name=gpu-smoke-pretrain --set output_dir="$(dirname "$OUT")" --overwrite \
    | tail -2
)

if [[ -n ${TRANSLATOR:-} ]]; then
  echo "== translate on $DEVICE: 500 lines with $TRANSLATOR (own cache, so every line is translated)"
  head -500 "$OUT/texts.txt" > "$OUT/translate-in.txt"
  XLT_HOME="$OUT/xlt-home" /usr/bin/time -f "translate wall %e s (model load included)" \
    "$BIN/xlt" translate "$OUT/translate-in.txt" -t "$TRANSLATOR" -o "$OUT/translate-out.txt" --device "$DEVICE"
fi

echo "== serve on $DEVICE: 200 requests of 32 texts"
"$BIN/xlt" serve "$OUT" --device "$DEVICE" --port 8765 > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
"$BIN/python" - <<'PY'
import time, httpx
for _ in range(600):
    try:
        if httpx.get("http://127.0.0.1:8765/readyz").status_code == 200:
            break
    except httpx.HTTPError:
        pass
    time.sleep(0.5)
texts = [f"grinning face number {i}" for i in range(32)]
start = time.perf_counter()
with httpx.Client() as client:
    for _ in range(200):
        client.post("http://127.0.0.1:8765/v1/predict", json={"texts": texts}).raise_for_status()
seconds = time.perf_counter() - start
print(f"serve: {200 * 32 / seconds:.0f} texts/s over HTTP (one client, 32 texts a request)")
PY
