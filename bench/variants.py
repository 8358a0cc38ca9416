"""Benchmark 5: what variants cost beyond their own jobs (issue 17).

One run, one fake Fusion Brain (a real HTTP server on 127.0.0.1, 3 s jobs, a 256×256
PNG), one worker (prefork, concurrency 4, on Redis), the settings of benchmark 2 (polls
every second, one attempt per task), no quota (GENERATION_MONTHLY_QUOTA=0) and up to 4
variants per brief (GENERATION_VARIANTS_MAX=4):

A. 200 briefs × 1 variant (variant_count=1: plain tasks, 200 provider jobs) queued in one
   commit; wall time until all 200 are SUCCESS;
B. 200 briefs × 4 variants (variant_count=4: each brief launches 4 variant tasks with
   their own jobs, 800 provider jobs) queued in one commit; wall time until all 200 briefs
   are SUCCESS (each one settles once its last variant ends), all 800 variants checked.

Each clock starts just before the commit, so both include publishing the first messages.
A few tasks run first, unmeasured, so that neither phase pays for cold pool processes.
Target: B / A ≤ 4 (variants add no overhead beyond their own work). The figures are
printed; the exit status is non-zero only if a task fails or a phase times out.

    .venv/bin/python -m bench.variants [--briefs 200] [--variants 4] [--latency 3]
"""

import argparse
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench._harness import Worker, bench_user, describe, environment, milliseconds, wait_until

TARGET_RATIO = 4.0


@dataclass
class Phase:
    label: str
    briefs: int
    variants: int
    wall: float = 0.0
    cpu: tuple[float, float] = (0.0, 0.0)
    outcome: dict[str, int] = field(default_factory=dict)  # the briefs' statuses
    variant_outcome: dict[str, int] = field(default_factory=dict)
    brief_latencies: list[float] = field(default_factory=list)  # commit → brief finished
    submitted: list[float] = field(default_factory=list)  # commit → job accepted, per job
    after_ready: list[float] = field(default_factory=list)  # job ready → its task finished
    runs: int = 0
    polls: int = 0
    peak_in_flight: int = 0
    machine_busy: float = 0.0  # CPU seconds the whole machine was busy during the phase
    bench_cpu: float = 0.0  # this process: the fake Fusion Brain's threads, the waiting
    runtimes: dict[str, list[float]] = field(default_factory=dict)  # per Celery task name
    timed_out: str = ""

    @property
    def jobs(self) -> int:
        return self.briefs * self.variants

    @property
    def failed(self) -> bool:
        bad = set(self.outcome) | set(self.variant_outcome)
        return bool(self.timed_out) or bool(bad - {"SUCCESS"})


def run_phase(phase: Phase, *, user, worker: Worker, fake, args) -> None:
    from django.db import transaction
    from django.utils import timezone

    from contentum.generation.models import GenerationAttempt, GenerationTask, TaskStatus
    from contentum.generation.services import generation_task_create

    runs_before, polls_before = len(fake.requests_to("run")), len(fake.requests_to("status"))
    with transaction.atomic():
        ids = [
            generation_task_create(
                user=user,
                prompt=f"Весенний постер номер {n}, голубой и розовый",
                width=256,
                height=256,
                max_attempts=1,
                variant_count=phase.variants,
            ).pk
            for n in range(phase.briefs)
        ]
        committed_at = timezone.now()
        log_start, busy_before, own_before = worker.log_path.stat().st_size, _busy(), _own()
        started, cpu_before = time.monotonic(), worker.cpu_seconds()
    briefs = GenerationTask.objects.filter(pk__in=ids)

    def all_finished() -> bool:
        running = sum(1 for job in list(fake.jobs.values()) if not job.fetched)
        phase.peak_in_flight = max(phase.peak_in_flight, running)
        return not briefs.filter(finished_at__isnull=True).exists()

    try:
        wait_until(all_finished, args.timeout, f"{phase.label}: every brief to finish", 0.05)
    except TimeoutError as exc:
        phase.timed_out = str(exc)
    phase.wall = time.monotonic() - started
    phase.cpu = tuple(a - b for a, b in zip(worker.cpu_seconds(), cpu_before, strict=True))
    phase.machine_busy, phase.bench_cpu = _busy() - busy_before, _own() - own_before
    with worker.log_path.open("rb") as log:
        log.seek(log_start)
        _read_log(phase, log.read().decode(errors="replace"))
    phase.runs = len(fake.requests_to("run")) - runs_before
    phase.polls = len(fake.requests_to("status")) - polls_before

    def since_commit(moment: datetime | None) -> float | None:
        return None if moment is None else (moment - committed_at).total_seconds()

    phase.outcome = _count(briefs, TaskStatus)
    phase.brief_latencies = [
        since_commit(done) for done in briefs.values_list("finished_at", flat=True) if done
    ]
    # The tasks that ran jobs: the briefs themselves (A), or their variants (B).
    runners = GenerationTask.objects.filter(brief_id__in=ids) if phase.variants > 1 else briefs
    if phase.variants > 1:
        phase.variant_outcome = _count(runners, TaskStatus)
    # The fake's clock says when each job was created (and so ready); the rows say when
    # its task finished.
    for job_id, finished in GenerationAttempt.objects.filter(task__in=runners).values_list(
        "provider_job_id", "task__finished_at"
    ):
        job = fake.jobs.get(job_id)
        if job is not None:
            phase.submitted.append(job.created - started)
            if finished is not None:
                ready = job.created - started + args.latency
                phase.after_ready.append(since_commit(finished) - ready)


def _busy() -> float:
    """CPU seconds the whole machine has been busy (not idle, not waiting on I/O)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _own() -> float:
    times = os.times()
    return times.user + times.system


SUCCEEDED = re.compile(r"\] Task (?P<name>[\w.]+)\[[\w-]+\] succeeded in (?P<runtime>[\d.e-]+)s")


def _read_log(phase: Phase, text: str) -> None:
    """What the worker's pool ran during the phase, and for how long: its INFO lines."""
    for line in SUCCEEDED.finditer(text):
        phase.runtimes.setdefault(line["name"], []).append(float(line["runtime"]))


def _count(tasks, statuses) -> dict[str, int]:
    counted = {status: tasks.filter(status=status).count() for status in statuses.values}
    return {status: count for status, count in counted.items() if count}


def _seconds(values: list[float]) -> str:
    """`milliseconds` of the harness, for spreads of seconds."""
    if not values:
        return "none"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"median {ordered[len(ordered) // 2]:.2f} s, p90 {p90:.2f} s, "
        f"min {ordered[0]:.2f} s, max {ordered[-1]:.2f} s (n={len(ordered)})"
    )


def report(phase: Phase, latency: float, concurrency: int) -> None:
    jobs = phase.jobs
    cpu = sum(phase.cpu)
    shape = "plain tasks" if phase.variants == 1 else f"{jobs} variant tasks"
    print(f"  {phase.label}: {phase.briefs} briefs × {phase.variants} ({shape}, {jobs} jobs)")
    if phase.timed_out:
        print(f"    TIMED OUT: {phase.timed_out}")
    print(
        f"    wall time until all briefs finished: {phase.wall:.2f} s, "
        f"{jobs / phase.wall:.1f} jobs/s (the provider alone: {latency:g} s)"
    )
    outcome = ", ".join(f"{k} {v}" for k, v in phase.outcome.items())
    if phase.variant_outcome:
        variants = ", ".join(f"{k} {v}" for k, v in phase.variant_outcome.items())
        outcome = f"briefs {outcome}; variants {variants}"
    print(f"    outcome: {outcome}")
    print(
        f"    worker CPU time: main process {phase.cpu[0]:.2f} s, pool {phase.cpu[1]:.2f} s; "
        f"{cpu / jobs * 1000:.0f} ms per job"
    )
    others = phase.machine_busy - cpu - phase.bench_cpu
    print(
        f"    machine busy {phase.machine_busy:.1f} CPU s of {phase.wall * os.cpu_count():.1f}: "
        f"worker {cpu:.1f}, this process (fake server) {phase.bench_cpu:.1f}, "
        f"the rest (database, Redis, anything else) {others:.1f}"
    )
    slots = sum(sum(r) for r in phase.runtimes.values())
    ran = ", ".join(
        f"{len(r)} {name.split('.')[-1]} (median {sorted(r)[len(r) // 2] * 1000:.0f} ms)"
        for name, r in sorted(phase.runtimes.items())
    )
    print(
        f"    pool ran {ran}; its {concurrency} slots busy "
        f"{slots / (phase.wall * concurrency) * 100:.0f} % of the time"
    )
    print(f"    commit → brief finished: {_seconds(phase.brief_latencies)}")
    print(f"    commit → job accepted by the provider: {_seconds(phase.submitted)}")
    print(f"    job ready → its task finished: {milliseconds(phase.after_ready or [0.0])}")
    print(
        f"    provider: {phase.runs} runs, {phase.polls} status polls "
        f"({phase.polls / max(phase.runs, 1):.1f} per job), up to {phase.peak_in_flight} "
        f"jobs in flight at once"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--variants", type=int, default=4, help="per brief in phase B (2..4)")
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=600.0, help="per phase, seconds")
    parser.add_argument("--warm-up", type=int, default=4, help="unmeasured tasks first")
    args = parser.parse_args()

    from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain, small_png

    phases = [Phase("A", args.briefs, 1), Phase("B", args.briefs, args.variants)]
    with FakeFusionBrain(latency_seconds=args.latency, image_png=small_png(256)) as fake:
        settings = {
            "IMAGE_PROVIDER": "kandinsky",
            "KANDINSKY_BASE_URL": fake.base_url,
            "KANDINSKY_API_KEY": fake.api_key,
            "KANDINSKY_SECRET_KEY": fake.secret_key,
            "KANDINSKY_POLL_INTERVAL_SECONDS": args.poll_interval,
            "GENERATION_MONTHLY_QUOTA": 0,  # no limit: no quota lock, no count per brief
            "GENERATION_VARIANTS_MAX": args.variants,
        }
        with environment(**settings) as env:
            log = Path(tempfile.gettempdir()) / "contentum-bench-variants-worker.log"
            with Worker(env, concurrency=args.concurrency, log=log) as worker:
                user = bench_user()
                if args.warm_up:
                    warm = Phase("warm-up", max(args.warm_up // args.variants, 1), args.variants)
                    run_phase(warm, user=user, worker=worker, fake=fake, args=args)
                    if warm.failed:
                        phases.insert(0, warm)
                for phase in phases:
                    if not any(p.timed_out for p in phases):
                        run_phase(phase, user=user, worker=worker, fake=fake, args=args)

    a, b = phases[-2], phases[-1]
    print(
        f"Benchmark 5: variants, {args.briefs} briefs × 1 against × {args.variants}, "
        f"fake Fusion Brain, {args.latency:g} s jobs, 256×256"
    )
    print(
        f"  {describe(env)}; worker prefork, concurrency {args.concurrency}, "
        f"poll every {args.poll_interval:g} s (machine: {os.cpu_count()} CPUs)"
    )
    for phase in phases:
        report(phase, args.latency, args.concurrency)
    if a.wall and b.wall:
        ratio = b.wall / a.wall
        print(
            f"  ratio B / A: {ratio:.2f}   (target: ≤ {TARGET_RATIO:g}; "
            f"jobs × {b.jobs / a.jobs:g}, worker CPU × {sum(b.cpu) / max(sum(a.cpu), 1e-9):.2f})"
        )
    broken = [phase.label for phase in phases if phase.failed]
    if broken:
        sys.exit(f"variants benchmark: tasks failed or timed out in {', '.join(broken)}")


if __name__ == "__main__":
    main()
