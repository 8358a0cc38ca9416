#!/usr/bin/env bash
# The chat-flow benchmark against a running Contentum (it starts nothing itself):
# the server's floor (cheapest request), the flow in --reuse-user mode, and their ratio.
# Usage: scripts/bench_flow.sh [BASE_URL]   (default http://127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:-${BENCH_URL:-http://127.0.0.1:8000}}
BENCH=${FLOW_BENCH:-../shared/bench/flow_bench.py}
USERS=${BENCH_USERS:-8}
FLOWS=${BENCH_FLOWS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 "$BENCH" --base-url "$URL" --floor unauth --users "$USERS" --floor-requests 2000 | tail -n 1 >"$out/floor.json"
# flow_bench exits 1 when a flow did not complete (e.g. its random password was refused as
# too similar to its random email); the figures are still printed, with the failures.
python3 "$BENCH" --base-url "$URL" --users "$USERS" --flows-per-user "$FLOWS" --reuse-user \
  | tail -n 1 >"$out/flow.json" || true
python3 - "$out/floor.json" "$out/flow.json" <<'PY'
import json, sys
floor = json.load(open(sys.argv[1]))
flow = json.load(open(sys.argv[2]))
answer = flow["latency"].get("message", {})
final = flow["latency"].get("message_final", {})
ratio = flow["requests_per_s"] / floor["requests_per_s"]
print(f"floor (unauth)     {floor['requests_per_s']:8.1f} req/s")
print(f"flow (reuse-user)  {flow['requests_per_s']:8.1f} req/s   {flow['flows_per_s']:.2f} flows/s   "
      f"completed {flow['flows_completed']}/{flow['flows_attempted']}")
print(f"answer latency     p50 {answer.get('p50_ms')} ms   p95 {answer.get('p95_ms')} ms   "
      f"p99 {answer.get('p99_ms')} ms")
print(f"final answer       p50 {final.get('p50_ms')} ms   p95 {final.get('p95_ms')} ms")
print(f"flow / floor       {ratio:.3f}")
print(json.dumps({"floor_rps": floor["requests_per_s"], "flow_rps": flow["requests_per_s"],
                  "ratio": round(ratio, 4), "answer_p95_ms": answer.get("p95_ms"),
                  "errors": flow["errors"], "flow_failures": flow["flow_failures"]}))
PY
