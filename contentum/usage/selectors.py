"""The usage report: what users asked for, what ran at the provider, what it cost them,
and why it failed, per user, local day or provider over an inclusive range of dates.

Bounded work whatever the range holds: three aggregate queries (tasks, failed tasks by
reason, attempts) and one streamed pass over the attempts' quality reports and timings,
which SQL cannot aggregate portably (JSON check lists, percentiles).
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from contentum.common.exceptions import VALIDATION_MESSAGE, ApplicationError
from contentum.generation.models import AttemptStatus, GenerationAttempt, GenerationTask, TaskStatus

GROUP_BY = ("user", "day", "provider")
FORMATS = ("json", "csv")
MAX_RANGE_DAYS = 366
# Far enough apart for any real report, near enough that a day's bounds never overflow.
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2999, 12, 31)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TOTAL_KEY, TOTAL_LABEL = "total", "Итого"
STREAM_CHUNK = 2000
# A row's counts: what the total row sums.
COUNTS = (
    "briefs",
    "variants",
    "provider_images",
    "images_charged",
    "regenerations",
    "attempted_variants",
)


class FailureReason(models.TextChoices):
    QUALITY = "quality_checks", "Не прошло проверки качества"
    TIMEOUT = "provider_timeout", "Провайдер не ответил вовремя"
    PROVIDER = "provider_error", "Ошибка провайдера"
    STUCK = "stuck_worker", "Обработчик не продолжил генерацию"
    OTHER = "other", "Другая причина"


# The words the pipeline writes into `last_error` (services._stuck_reason; the providers'
# and outcomes.step_timed_out's timeouts). Only where the attempt's status cannot tell:
# the sweeper marks the attempt it abandons FAILED, as a provider error would.
STUCK_MARKER = "обработчик фоновых задач не продолжил"
TIMEOUT_MARKERS = ("не ответил", "не уложился в отведённое время")


@dataclass(frozen=True)
class UsageParams:
    date_from: date
    date_to: date
    group_by: str
    format: str


@dataclass
class UsageRow:
    key: str  # user id, ISO date or provider name; "total" for the total row
    label: str  # what a person reads: the email, the date, the provider, "Итого"
    user_id: str | None = None
    user_email: str | None = None
    briefs: int = 0
    variants: int = 0
    provider_images: int = 0
    images_charged: int = 0
    regenerations: int = 0  # attempts past the first
    attempted_variants: int = 0  # variants with at least one attempt
    latency_p50: float | None = None  # seconds
    latency_p95: float | None = None
    check_failures: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    sort_key: Any = ""

    @property
    def regeneration_rate(self) -> float:
        if not self.attempted_variants:
            return 0.0
        return round(self.regenerations / self.attempted_variants, 4)

    @property
    def failures_total(self) -> int:
        return sum(self.failures.values())


@dataclass
class UsageSummary:
    date_from: date
    date_to: date
    group_by: str
    rows: list[UsageRow]
    total: UsageRow
    check_names: list[str]

    @property
    def failure_reasons(self) -> list[tuple[str, str]]:
        return list(FailureReason.choices)

    @property
    def reasons(self) -> list[dict[str, str]]:
        return [{"code": code, "label": label} for code, label in FailureReason.choices]


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _parse_date(raw: str | None, name: str, errors: dict[str, list[str]]) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        errors[name] = ["Ожидается дата в формате ГГГГ-ММ-ДД."]
        return None
    if not MIN_DATE <= value <= MAX_DATE:
        errors[name] = [f"Дата должна быть между {MIN_DATE} и {MAX_DATE}."]
        return None
    return value


def _choice(raw: str | None, name: str, choices: tuple[str, ...], errors: dict) -> str:
    if raw is None or raw == "":
        return choices[0]
    if raw not in choices:
        errors[name] = [f"Допустимые значения: {', '.join(choices)}."]
    return raw


def usage_params(query: Mapping[str, Any], *, today: date | None = None) -> UsageParams:
    """The report's query parameters, checked: the API and the admin page share them, so
    both refuse the same input with the same words (400, each parameter named)."""
    errors: dict[str, list[str]] = {}
    date_from = _parse_date(query.get("from"), "from", errors)
    date_to = _parse_date(query.get("to"), "to", errors)
    group_by = _choice(query.get("group_by"), "group_by", GROUP_BY, errors)
    output = _choice(query.get("format"), "format", FORMATS, errors)
    if not errors:
        today = today or timezone.localdate()
        # No dates: the current month so far; only `to`: its month up to it.
        date_to = date_to or max(today, date_from or today)
        date_from = date_from or date_to.replace(day=1)
        if date_from > date_to:
            errors["from"] = ["Начало периода позже его конца."]
        elif (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
            errors["to"] = [f"Период не длиннее {MAX_RANGE_DAYS} дней."]
    if errors:
        raise ApplicationError(VALIDATION_MESSAGE, errors=errors)
    return UsageParams(date_from=date_from, date_to=date_to, group_by=group_by, format=output)


def _group_key(group_by: str, prefix: str = "") -> Any:
    if group_by == "user":
        return F(f"{prefix}owner_id")
    if group_by == "day":
        return TruncDate(f"{prefix}created_at", tzinfo=_zone())
    return F(f"{prefix}provider")


def _runs(prefix: str = "") -> Q:
    """Tasks that ran at the provider: variants, and plain tasks (not a brief with variants)."""
    return Q(**{f"{prefix}brief__isnull": False}) | Q(**{f"{prefix}has_variants": False})


def _last_attempt_status() -> Subquery:
    return Subquery(
        GenerationAttempt.objects.filter(task=OuterRef("pk"))
        .order_by("-number")
        .values("status")[:1]
    )


def _failure_reason() -> Case:
    """The reason code of a FAILED task, in SQL, over `last_attempt_status`: the last
    attempt's status first, the pipeline's words only where the status cannot tell."""
    timeout = Q()
    for marker in TIMEOUT_MARKERS:
        timeout |= Q(last_error__contains=marker)
    return Case(
        When(last_error__contains=STUCK_MARKER, then=Value(FailureReason.STUCK.value)),
        When(last_attempt_status=AttemptStatus.REJECTED, then=Value(FailureReason.QUALITY.value)),
        When(timeout, then=Value(FailureReason.TIMEOUT.value)),
        When(last_attempt_status=AttemptStatus.FAILED, then=Value(FailureReason.PROVIDER.value)),
        default=Value(FailureReason.OTHER.value),
        output_field=models.CharField(),
    )


def _percentile(ordered: list[float], share: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not ordered:
        return None
    if len(ordered) == 1:
        return round(ordered[0], 3)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 3)


def _failed_checks(report: Any) -> Iterable[str]:
    """Names of the failed checks in a stored report; tolerant of any JSON shape."""
    checks = report.get("checks") if isinstance(report, dict) else None
    if not isinstance(checks, list):
        return ()
    return [
        str(check["name"])
        for check in checks
        if isinstance(check, dict) and check.get("name") and check.get("passed") is False
    ]


def _key_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def usage_report(*, date_from: date, date_to: date, group_by: str) -> UsageSummary:
    """The report for tasks created from `date_from` to `date_to` inclusive (local dates
    of settings.TIME_ZONE), one row per group with tasks, and the total row."""
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {GROUP_BY}")
    zone = _zone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    tasks = GenerationTask.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    runs = _runs()

    rows: dict[Any, UsageRow] = {}

    def row_for(key: Any) -> UsageRow:
        if key not in rows:
            text = _key_text(key)
            rows[key] = UsageRow(key=text, label=text, sort_key=key)
        return rows[key]

    # 1. What was asked and what ran, per group.
    extra = {"email": F("owner__email")} if group_by == "user" else {}
    counted = (
        tasks.annotate(group=_group_key(group_by), **extra)
        .values("group", *extra)
        .annotate(
            briefs=Count("pk", filter=Q(brief__isnull=True)),
            variants=Count("pk", filter=runs),
            charged=Coalesce(Sum("images_charged"), 0),
        )
    )
    for item in counted:
        row = row_for(item["group"])
        row.briefs, row.variants, row.images_charged = (
            item["briefs"],
            item["variants"],
            item["charged"],
        )
        if group_by == "user":
            row.user_id, row.user_email = str(item["group"]), item["email"]
            row.label, row.sort_key = item["email"], (item["email"], str(item["group"]))

    # 2. Failed variants and plain tasks, by reason.
    failed = (
        tasks.filter(runs, status=TaskStatus.FAILED)
        .annotate(group=_group_key(group_by), last_attempt_status=_last_attempt_status())
        .annotate(reason=_failure_reason())
        .values("group", "reason")
        .annotate(count=Count("pk"))
    )
    for item in failed:
        row_for(item["group"]).failures[item["reason"]] = item["count"]

    # 3. Attempts at the provider, per group.
    attempts = GenerationAttempt.objects.filter(
        _runs("task__"), task__created_at__gte=start, task__created_at__lt=end
    ).order_by()
    attempt_counts = (
        attempts.annotate(group=_group_key(group_by, "task__"))
        .values("group")
        .annotate(
            images=Count("pk"),
            regenerations=Count("pk", filter=Q(number__gt=1)),
            attempted=Count("task", distinct=True),
        )
    )
    for item in attempt_counts:
        row = row_for(item["group"])
        row.provider_images = item["images"]
        row.regenerations = item["regenerations"]
        row.attempted_variants = item["attempted"]

    # 4. One pass: failed checks of rejected attempts, and provider latency.
    latencies: dict[Any, list[float]] = {}
    checks: dict[Any, Counter] = {}
    reported = (
        attempts.filter(
            Q(status=AttemptStatus.REJECTED)
            | Q(submitted_at__isnull=False, finished_at__isnull=False)
        )
        .annotate(group=_group_key(group_by, "task__"))
        .values_list("group", "status", "quality_report", "submitted_at", "finished_at")
    )
    for group, status, report, submitted_at, finished_at in reported.iterator(STREAM_CHUNK):
        if status == AttemptStatus.REJECTED:
            checks.setdefault(group, Counter()).update(_failed_checks(report))
        if submitted_at is not None and finished_at is not None and finished_at >= submitted_at:
            seconds = (finished_at - submitted_at).total_seconds()
            latencies.setdefault(group, []).append(seconds)

    check_names = sorted({name for counter in checks.values() for name in counter})
    all_latencies: list[float] = []
    total = UsageRow(key=TOTAL_KEY, label=TOTAL_LABEL)
    total_checks: Counter = Counter()
    for key, row in rows.items():
        found = checks.get(key, Counter())
        row.check_failures = {name: found[name] for name in check_names}
        row.failures = {code: row.failures.get(code, 0) for code in FailureReason.values}
        ordered = sorted(latencies.get(key, []))
        row.latency_p50, row.latency_p95 = _percentile(ordered, 0.5), _percentile(ordered, 0.95)
        all_latencies.extend(ordered)
        total_checks.update(found)
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for code, count in row.failures.items():
            total.failures[code] = total.failures.get(code, 0) + count
    total.failures = {code: total.failures.get(code, 0) for code in FailureReason.values}
    total.check_failures = {name: total_checks[name] for name in check_names}
    ordered = sorted(all_latencies)
    total.latency_p50, total.latency_p95 = _percentile(ordered, 0.5), _percentile(ordered, 0.95)

    return UsageSummary(
        date_from=date_from,
        date_to=date_to,
        group_by=group_by,
        rows=sorted(rows.values(), key=lambda row: row.sort_key),
        total=total,
        check_names=check_names,
    )
