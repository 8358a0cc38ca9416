"""Benchmark 6: a blocking provider beside Kandinsky, on the workers `make run` starts.

Two fakes on 127.0.0.1: an OpenAI-compatible image server whose every call blocks for
3 s, and Fusion Brain with 3 s jobs (256×256 PNGs both). Two workers, as scripts/run.sh
starts them: prefork, concurrency 4, on the generation, polling and maintenance queues
(Kandinsky's submits and polls), and a thread pool of GENERATION_BLOCKING_CONCURRENCY
threads on generation-blocking (the blocking `draw` calls). One attempt per task.

K. 50 Kandinsky tasks alone: wall time until all are SUCCESS (the baseline);
B. 50 `openai` tasks and 50 Kandinsky tasks queued in one commit: the wall time of each
   kind. Targets: the 50 `openai` jobs finish within 3 × the latency (9 s), and the
   Kandinsky tasks take about as long as they did alone (their polls are unaffected).

    .venv/bin/python -m bench.blocking [--jobs 50] [--latency 3]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench._harness import Worker, bench_user, describe, environment, wait_until

BLOCKING_QUEUES = ("generation-blocking",)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain, small_png
    from contentum.generation.tests.fake_openai_images import FakeOpenAIImages

    openai = FakeOpenAIImages(latency_seconds=args.latency).start()
    try:
        with FakeFusionBrain(latency_seconds=args.latency, image_png=small_png(256)) as fusion:
            settings = {
                "KANDINSKY_BASE_URL": fusion.base_url,
                "KANDINSKY_API_KEY": fusion.api_key,
                "KANDINSKY_SECRET_KEY": fusion.secret_key,
                "KANDINSKY_POLL_INTERVAL_SECONDS": 1,
                "OPENAI_IMAGE_BASE_URL": openai.base_url,
                "OPENAI_IMAGE_API_KEY": openai.api_key or "",
                "OPENAI_IMAGE_MODEL": "fake-sd",
                "GENERATION_MONTHLY_QUOTA": 0,
            }
            with environment(**settings) as env:
                return run(env, args)
    finally:
        openai.stop()


def queue(provider: str, count: int, label: str) -> list:
    from django.db import transaction
    from django.test.utils import override_settings

    from contentum.generation.services import generation_task_create

    user = bench_user()
    with override_settings(IMAGE_PROVIDER=provider), transaction.atomic():
        return [
            generation_task_create(
                user=user,
                prompt=f"{label}: весенний постер номер {n}, голубой и розовый",
                width=256,
                height=256,
                max_attempts=1,
            ).pk
            for n in range(count)
        ]


def finished(ids: list, timeout: float) -> float:
    """Seconds until every task in `ids` has finished, from now."""
    from contentum.generation.models import FINISHED_STATUSES, GenerationTask

    started = time.monotonic()
    wait_until(
        lambda: (
            not GenerationTask.objects.filter(pk__in=ids)
            .exclude(status__in=FINISHED_STATUSES)
            .exists()
        ),
        timeout,
        "the tasks to finish",
        interval=0.05,
    )
    return time.monotonic() - started


def lateness(ids: list, latency: float) -> str:
    """How long after its job was ready at the provider each task finished (the poll's
    wait, plus the checks): what a starved poll queue would stretch."""
    from contentum.generation.models import GenerationAttempt

    rows = GenerationAttempt.objects.filter(task_id__in=ids, number=1).values_list(
        "submitted_at", "task__finished_at"
    )
    late = sorted((end - start).total_seconds() - latency for start, end in rows if start and end)
    if not late:
        return "n/a"
    median, p90 = late[len(late) // 2], late[min(len(late) - 1, int(len(late) * 0.9))]
    return f"median {median:.2f} s, p90 {p90:.2f} s, max {late[-1]:.2f} s"


def outcome(ids: list) -> dict:
    from django.db.models import Count

    from contentum.generation.models import GenerationTask

    rows = GenerationTask.objects.filter(pk__in=ids).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def run(env: dict[str, str], args: argparse.Namespace) -> int:
    blocking_threads = int(env.get("GENERATION_BLOCKING_CONCURRENCY", "32"))
    print(
        f"Benchmark 6: blocking provider beside Kandinsky, {args.jobs} + {args.jobs} jobs, "
        f"{args.latency:g} s each"
    )
    print(
        f"  {describe(env)}; prefork worker concurrency {args.concurrency}, "
        f"thread-pool worker {blocking_threads} threads"
    )
    logs = Path(tempfile.gettempdir())
    prefork_log = logs / f"contentum-bench-blocking-prefork-{os.getpid()}.log"
    threads_log = logs / f"contentum-bench-blocking-threads-{os.getpid()}.log"
    with (
        Worker(env, concurrency=args.concurrency, log=prefork_log),
        Worker(
            env,
            concurrency=blocking_threads,
            log=threads_log,
            pool="threads",
            queues=BLOCKING_QUEUES,
        ),
    ):
        warm = queue("openai", 2, "разогрев") + queue("kandinsky", 2, "разогрев")
        finished(warm, 120)

        kandinsky_alone = queue("kandinsky", args.jobs, "K")
        alone = finished(kandinsky_alone, 300)

        started = time.monotonic()
        drawn = queue("openai", args.jobs, "B-openai")
        polled = queue("kandinsky", args.jobs, "B-kandinsky")
        queued = time.monotonic() - started
        times = {}
        pending = {"openai": drawn, "kandinsky": polled}
        from contentum.generation.models import FINISHED_STATUSES, GenerationTask

        while pending:
            for name, ids in list(pending.items()):
                open_ = (
                    GenerationTask.objects.filter(pk__in=ids)
                    .exclude(status__in=FINISHED_STATUSES)
                    .exists()
                )
                if not open_:
                    times[name] = time.monotonic() - started
                    del pending[name]
            if time.monotonic() - started > 300:
                print("  timed out waiting for:", ", ".join(pending))
                return 1
            time.sleep(0.05)

    target = 3 * args.latency
    print(f"  K: {args.jobs} Kandinsky tasks alone: {alone:.2f} s  {outcome(kandinsky_alone)}")
    print(f"    finished after the job was ready: {lateness(kandinsky_alone, args.latency)}")
    print(f"  B: both kinds queued in one commit ({queued:.2f} s to queue 2 × {args.jobs})")
    print(
        f"    openai ({args.jobs} blocking calls): {times['openai']:.2f} s  "
        f"{outcome(drawn)}   (target: ≤ {target:g} s, 3 × the latency)"
    )
    print(
        f"    Kandinsky ({args.jobs} jobs polled): {times['kandinsky']:.2f} s  "
        f"{outcome(polled)}   (alone: {alone:.2f} s; ratio {times['kandinsky'] / alone:.2f})"
    )
    print(f"      finished after the job was ready: {lateness(polled, args.latency)}")
    failed = sum(
        n for ids in (drawn, polled) for status, n in outcome(ids).items() if status != "SUCCESS"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
