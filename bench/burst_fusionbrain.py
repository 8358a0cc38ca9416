"""Benchmark 2: many jobs in flight on one worker.

200 generations queued at once (one commit) against the fake Fusion Brain (a real HTTP
server on 127.0.0.1) whose jobs take 3 s and return a small 256×256 PNG; one worker,
prefork, concurrency 4, on Redis. Jobs are polled every second by re-scheduled poll tasks
(KANDINSKY_POLL_INTERVAL_SECONDS=1), so no worker process waits on a job. Measured: wall
time from the commit until every task is SUCCESS. Target: ≤ 10 s.

    .venv/bin/python -m bench.burst_fusionbrain [--tasks 200] [--latency 3]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench._harness import Worker, bench_user, describe, environment, milliseconds, wait_until


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--poll-interval", type=float, default=1.0)
    args = parser.parse_args()

    from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain, small_png

    with FakeFusionBrain(latency_seconds=args.latency, image_png=small_png(256)) as fake:
        settings = {
            "IMAGE_PROVIDER": "kandinsky",
            "KANDINSKY_BASE_URL": fake.base_url,
            "KANDINSKY_API_KEY": fake.api_key,
            "KANDINSKY_SECRET_KEY": fake.secret_key,
            "KANDINSKY_POLL_INTERVAL_SECONDS": args.poll_interval,
        }
        with environment(**settings) as env:
            from django.db import transaction

            from contentum.generation.models import GenerationTask, TaskStatus
            from contentum.generation.services import generation_task_create

            log = Path(tempfile.gettempdir()) / "contentum-bench-burst-worker.log"
            with Worker(env, concurrency=args.concurrency, log=log) as worker:
                user = bench_user()
                with transaction.atomic():
                    ids = [
                        generation_task_create(
                            user=user,
                            prompt=f"Весенний постер номер {n}, голубой и розовый",
                            width=256,
                            height=256,
                            max_attempts=1,
                        ).pk
                        for n in range(args.tasks)
                    ]
                started, cpu_before = time.monotonic(), worker.cpu_seconds()
                peak_in_flight = 0
                tasks = GenerationTask.objects.filter(pk__in=ids)

                def all_finished() -> bool:
                    nonlocal peak_in_flight
                    running = sum(1 for job in list(fake.jobs.values()) if not job.fetched)
                    peak_in_flight = max(peak_in_flight, running)
                    return not tasks.filter(finished_at__isnull=True).exists()

                wait_until(all_finished, 120, "every task to finish", interval=0.05)
                wall = time.monotonic() - started
                cpu = [a - b for a, b in zip(worker.cpu_seconds(), cpu_before, strict=True)]
                outcome = {
                    status: tasks.filter(status=status).count() for status in TaskStatus.values
                }
                latencies = [
                    (task.finished_at - task.created_at).total_seconds()
                    for task in tasks.only("created_at", "finished_at")
                ]
            polls = len(fake.requests_to("status"))

    print(
        f"Benchmark 2: {args.tasks} generations at once, fake Fusion Brain, "
        f"{args.latency:g} s jobs, 256×256"
    )
    print(
        f"  {describe(env)}; worker prefork, concurrency {args.concurrency}, "
        f"poll every {args.poll_interval:g} s"
    )
    print(f"  wall time until all finished: {wall:.2f} s   (target: ≤ 10 s)")
    print(f"  outcome: {', '.join(f'{k} {v}' for k, v in outcome.items() if v)}")
    print(f"  per task, queued → finished: {milliseconds(latencies)}")
    print(
        f"  worker CPU time: main process {cpu[0]:.2f} s, pool {cpu[1]:.2f} s "
        f"(machine: {os.cpu_count()} CPUs)"
    )
    print(f"  jobs in flight at the provider at once: up to {peak_in_flight}")
    print(f"  status polls sent to the provider: {polls}")


if __name__ == "__main__":
    main()
