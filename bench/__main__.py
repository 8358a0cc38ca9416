"""Runs the benchmarks one after another: `.venv/bin/python -m bench`.

Each runs in its own process: each sets Django up on its own throwaway database.
"""

import subprocess
import sys

BENCHMARKS = (
    "bench.pipeline_overhead",
    "bench.burst_fusionbrain",
    "bench.worker_memory",
    "bench.posters",
    "bench.variants",
    "bench.blocking",
)


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        print(flush=True)
        result = subprocess.run([sys.executable, "-m", module], check=False)  # noqa: S603
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
