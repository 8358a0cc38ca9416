"""One month of usage with every figure worked out by hand (see `usage_may`).

May 2026, Europe/Moscow. alice: a plain task regenerated once (May 3), a brief with two
variants on kandinsky (May 3), one of which failed its checks twice. bob: a provider
timeout and a stuck worker (May 10), a provider error (May 11), a queued task created
at 00:30 local on May 1 (still April 30 in UTC). Outside the range: alice's task at
23:00 local on April 30, bob's at 00:30 local on June 1 (still May 31 in UTC).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from contentum.accounts.tests.factories import UserFactory
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.services import _stuck_reason
from contentum.generation.tests.factories import GenerationAttemptFactory, GenerationTaskFactory

MSK = ZoneInfo("Europe/Moscow")
TIMEOUT = "Kandinsky не ответил за 30 с. Провайдер недоступен: повторов без успеха — 5."
REFUSED = "Kandinsky отклонил запрос (400): bad prompt"
QUALITY = "Изображение не прошло автоматические проверки качества (попыток: 2)."


def local(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def make_task(*, created: datetime, **fields) -> GenerationTask:
    """A task created at `created` (auto_now_add ignores what a factory passes)."""
    task = GenerationTaskFactory(**fields)
    GenerationTask.objects.filter(pk=task.pk).update(created_at=created)
    return task


def make_attempt(
    task: GenerationTask,
    number: int,
    status: str,
    *,
    seconds: float | None = None,
    submitted: bool = False,
    failed: tuple[str, ...] = (),
    passed: tuple[str, ...] = (),
):
    """An attempt; `seconds` sets both timestamps that far apart, `submitted` only the first."""
    start = local(5, 1)
    checks = [{"name": n, "passed": False, "message": "нет"} for n in failed]
    checks += [{"name": n, "passed": True, "message": ""} for n in passed]
    return GenerationAttemptFactory(
        task=task,
        number=number,
        status=status,
        quality_report={"passed": not failed, "checks": checks} if checks else None,
        submitted_at=start if seconds is not None or submitted else None,
        finished_at=start + timedelta(seconds=seconds) if seconds is not None else None,
    )


@dataclass
class Usage:
    alice: object
    bob: object


def usage_may(*, alice=None, bob=None) -> Usage:
    alice = alice or UserFactory(email="alice@example.com")
    bob = bob or UserFactory(email="bob@example.com")

    t1 = make_task(
        created=local(5, 3),
        owner=alice,
        status=TaskStatus.SUCCESS,
        attempts=2,
        provider="simulation",
    )
    make_attempt(t1, 1, AttemptStatus.REJECTED, seconds=10, failed=("sharpness", "contrast"),
                 passed=("size",))  # fmt: skip
    make_attempt(t1, 2, AttemptStatus.SUCCESS, seconds=20, passed=("size", "sharpness"))

    # A brief with variants runs nothing itself; its FAILED status is not a failure here.
    b1 = make_task(
        created=local(5, 3), owner=alice, provider="kandinsky", has_variants=True,
        variants_asked=2, images_charged=0, status=TaskStatus.FAILED,
    )  # fmt: skip
    v1 = make_task(
        created=local(5, 3), owner=alice, provider="kandinsky", brief=b1, variant_number=1,
        status=TaskStatus.FAILED, attempts=2, last_error=QUALITY,
    )  # fmt: skip
    make_attempt(v1, 1, AttemptStatus.REJECTED, seconds=4, failed=("sharpness",))
    make_attempt(v1, 2, AttemptStatus.REJECTED, seconds=6, failed=("sharpness", "exposure"))
    v2 = make_task(
        created=local(5, 3), owner=alice, provider="kandinsky", brief=b1, variant_number=2,
        status=TaskStatus.SUCCESS, attempts=1,
    )  # fmt: skip
    make_attempt(v2, 1, AttemptStatus.SUCCESS, seconds=8, passed=("sharpness",))

    t2 = make_task(
        created=local(5, 10), owner=bob, provider="kandinsky", status=TaskStatus.FAILED,
        attempts=1, last_error=TIMEOUT,
    )  # fmt: skip
    make_attempt(t2, 1, AttemptStatus.FAILED, submitted=True)  # no finish: no latency
    t3 = make_task(
        created=local(5, 10, 23, 59), owner=bob, provider="simulation", attempts=1,
        images_charged=0, status=TaskStatus.FAILED, recoveries=3,
    )  # fmt: skip
    GenerationTask.objects.filter(pk=t3.pk).update(last_error=_stuck_reason(t3))
    make_attempt(t3, 1, AttemptStatus.FAILED, seconds=100)
    t4 = make_task(
        created=local(5, 11), owner=bob, provider="kandinsky", status=TaskStatus.FAILED,
        attempts=1, last_error=REFUSED,
    )  # fmt: skip
    # A failed check on an attempt that was not REJECTED is not a check failure.
    make_attempt(t4, 1, AttemptStatus.FAILED, failed=("size",))
    make_task(created=local(5, 1, 0, 30), owner=bob, provider="simulation")  # PENDING

    # Outside the range, by local date.
    early = make_task(
        created=local(4, 30, 23, 0), owner=alice, provider="simulation", attempts=1,
        status=TaskStatus.FAILED, last_error=TIMEOUT,
    )  # fmt: skip
    make_attempt(early, 1, AttemptStatus.REJECTED, seconds=1, failed=("sharpness",))
    late = make_task(
        created=local(6, 1, 0, 30), owner=bob, provider="kandinsky", attempts=1,
        status=TaskStatus.FAILED, last_error=REFUSED,
    )  # fmt: skip
    make_attempt(late, 1, AttemptStatus.FAILED, seconds=1)
    return Usage(alice=alice, bob=bob)
