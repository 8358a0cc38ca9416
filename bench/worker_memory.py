"""Benchmark 3: worker memory over 500 tasks.

The simulation provider at 1024×1024 (the largest images the pipeline handles), no
latency, a real worker (prefork, concurrency 2 as `make run`) on Redis. Tasks are queued
in waves; the resident memory (RSS, from /proc) of the main process and of each pool
process is sampled along the way. Target: ≤ 300 MB, and not growing.

    .venv/bin/python -m bench.worker_memory [--tasks 500] [--wave 50]
"""

import argparse
import tempfile
import threading
import time
from pathlib import Path

from bench._harness import Worker, bench_user, describe, environment, wait_until


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--wave", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    with environment(IMAGE_PROVIDER="simulation", SIMULATION_LATENCY_SECONDS=0) as env:
        from django.db import transaction

        from contentum.generation.models import GenerationTask, TaskStatus
        from contentum.generation.services import generation_task_create

        log = Path(tempfile.gettempdir()) / "contentum-bench-memory-worker.log"
        with Worker(env, concurrency=args.concurrency, log=log) as worker:
            user = bench_user()
            samples: list[tuple[int, float, list[float], float]] = []
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    finished = GenerationTask.objects.filter(finished_at__isnull=False).count()
                    main_rss, pool = worker.rss_megabytes()
                    samples.append((finished, main_rss, pool, worker.pss_megabytes()))
                    done.wait(0.5)

            before = worker.rss_megabytes()
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.monotonic()
            queued = 0
            while queued < args.tasks:
                wave = min(args.wave, args.tasks - queued)
                with transaction.atomic():
                    for n in range(wave):
                        generation_task_create(
                            user=user,
                            prompt=f"Афиша концерта номер {queued + n}, тёмно-синий и золотой",
                            width=1024,
                            height=1024,
                            max_attempts=1,
                        )
                queued += wave
                wait_until(
                    lambda queued=queued: (
                        GenerationTask.objects.filter(finished_at__isnull=False).count() >= queued
                    ),
                    300,
                    f"{queued} tasks to finish",
                    interval=0.1,
                )
            wall = time.monotonic() - started
            done.set()
            sampler.join()
            after, after_pss = worker.rss_megabytes(), worker.pss_megabytes()
            succeeded = GenerationTask.objects.filter(status=TaskStatus.SUCCESS).count()

    print(f"Benchmark 3: worker memory over {args.tasks} tasks, simulation 1024×1024")
    print(f"  {describe(env)}; worker prefork, concurrency {args.concurrency}")
    print(f"  {succeeded} succeeded in {wall:.1f} s")
    print(f"  before: main {before[0]:.0f} MB, pool {', '.join(f'{r:.0f}' for r in before[1])} MB")
    print("  finished tasks: RSS main / each pool process (MB); whole worker PSS (MB)")
    for mark in range(0, args.tasks + 1, 100):
        at = next((s for s in samples if s[0] >= mark), samples[-1])
        pool = " / ".join(f"{r:.0f}" for r in at[2])
        print(f"    {at[0]:>4}: {at[1]:.0f} / {pool};  PSS {at[3]:.0f}")
    peak = max(max(s[2]) for s in samples if s[2])
    peak_pss = max(s[3] for s in samples)
    print(
        f"  after: main {after[0]:.0f} MB, pool {', '.join(f'{r:.0f}' for r in after[1])} MB; "
        f"whole worker PSS {after_pss:.0f} MB (peak {peak_pss:.0f} MB)"
    )
    print(f"  largest pool process RSS at any sample: {peak:.0f} MB   (target: ≤ 300 MB, flat)")


if __name__ == "__main__":
    main()
