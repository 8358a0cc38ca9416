#!/usr/bin/env bash
# Python instructions per chat flow (callgrind): a repeatable figure for comparing two
# builds on a machine whose speed drifts. Needs valgrind, a migrated DATABASE_URL, and
# SECRET_KEY and JWT_SIGNING_KEY set (as any run with a database needs).
# Usage: scripts/flow_instructions.sh   (FLOWS=5 by default; takes about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
FLOWS=${FLOWS:-5}
FLOWS=$FLOWS valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  .venv/bin/python bench/flow_instructions.py >/dev/null 2>"$out/valgrind.log" \
  || { tail -n 20 "$out/valgrind.log" >&2; exit 1; }
total=$(awk '/^summary:/ {print $2}' "$out/callgrind.out.1")
echo "$((total / FLOWS)) Python instructions per chat flow (create, answers, final; $FLOWS flows)"
