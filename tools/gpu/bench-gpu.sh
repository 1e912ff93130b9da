#!/usr/bin/env bash
# The bench's WebGPU figures on a machine with a real GPU, in a few minutes: training examples/s
# per backend (office, in Chromium's worker) and recommend()/similar() latency per size, plus the
# adapter Chromium got. Run from the repository root with node_modules and dist/ present (they are
# carried there: the GPU machine reaches no network) and Chromium at $CHROMIUM_PATH.
# Output: JSON lines in ${OUT:-.bench}/gpu-bench.jsonl, the log beside it. Nothing depends on it.
set -uo pipefail
out="${OUT:-.bench}"
mkdir -p "$out"
export LOCALREC_CHROMIUM_GPU=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/gpu.txt" 2>&1 || true
# Which adapter WebGPU gets (SwiftShader means the GPU was not reached).
node --import tsx tools/gpu/webgpu-adapter.ts > "$out/adapter.json" 2>> "$out/gpu-bench.log" || true
timeout 420 node --import tsx tools/bench.ts train latency --sizes 10000,100000 --rounds 30 > "$out/gpu-bench.jsonl" 2>> "$out/gpu-bench.log"
echo "exit $?" >> "$out/gpu-bench.log"
