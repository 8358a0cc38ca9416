"""Benchmark 1: the pipeline's own cost per image.

The simulation provider with no latency at 1024×1024, one task at a time, a real worker
(prefork, concurrency 2 as `make run`) on Redis. Measured: the time from queuing (the
task row's created_at; the message is sent at its commit) to SUCCESS (finished_at), which
includes drawing the image, re-encoding it, the thumbnail, the quality checks, storage,
and every broker and database round trip. Target: median ≤ 150 ms.

    .venv/bin/python -m bench.pipeline_overhead [--images 60] [--warmup 5]
"""

import argparse
import tempfile
import time
from pathlib import Path

from bench._harness import Worker, bench_user, describe, environment, milliseconds, wait_until


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    with environment(IMAGE_PROVIDER="simulation", SIMULATION_LATENCY_SECONDS=0) as env:
        from contentum.generation.models import GenerationTask, TaskStatus
        from contentum.generation.services import generation_task_create

        log = Path(tempfile.gettempdir()) / "contentum-bench-overhead-worker.log"
        with Worker(env, concurrency=args.concurrency, log=log):
            user = bench_user()
            totals, pickup, work = [], [], []
            for index in range(args.warmup + args.images):
                task = generation_task_create(
                    user=user,
                    prompt=f"Постер фестиваля номер {index}, голубой и розовый, яркий",
                    width=1024,
                    height=1024,
                    max_attempts=1,
                )
                done = wait_until(
                    lambda task=task: GenerationTask.objects.filter(
                        pk=task.pk, finished_at__isnull=False
                    ).first(),
                    60,
                    f"task {index}",
                    interval=0.002,
                )
                if done.status != TaskStatus.SUCCESS:
                    raise SystemExit(f"task {index} ended {done.status}: {done.last_error}")
                if index < args.warmup:
                    continue
                attempt = done.attempt_set.get()
                totals.append((done.finished_at - done.created_at).total_seconds())
                pickup.append((done.started_at - done.created_at).total_seconds())
                work.append((attempt.finished_at - attempt.created_at).total_seconds())
                time.sleep(0.01)

    print("Benchmark 1: pipeline overhead, simulation provider, 1024×1024, latency 0")
    print(f"  {describe(env)}; worker prefork, concurrency {args.concurrency}")
    print(f"  enqueue → SUCCESS:          {milliseconds(totals)}   (target: median ≤ 150 ms)")
    print(f"    enqueue → worker started: {milliseconds(pickup)}")
    print(f"    attempt (draw, encode, checks, store): {milliseconds(work)}")


if __name__ == "__main__":
    main()
