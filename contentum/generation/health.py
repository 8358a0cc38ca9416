"""How each image provider has been doing lately, read from the attempts it drew.

Nothing is written for this on the hot path: every attempt already records its provider,
model, status, error and times. One query reads the recent finished attempts of the
providers worth showing (the configured IMAGE_PROVIDER, and any other that drew in the
window), at most `limit` per provider, through the index on (provider, -finished_at).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from contentum.generation.models import AttemptStatus, GenerationAttempt
from contentum.generation.providers.base import PROVIDERS

# Only attempts finished this recently count, at most this many per provider.
HEALTH_WINDOW = timedelta(days=1)
HEALTH_RECENT_ATTEMPTS = 100
# Attempts in which the provider drew an image: their duration is the provider's latency
# (a failed one may be a timeout, a cancelled one was stopped by us).
DRAWN = (AttemptStatus.SUCCESS, AttemptStatus.REJECTED)


@dataclass(frozen=True)
class ProviderHealth:
    """One provider's recent figures; `last_error` is the message of its last attempt
    that ended without a usable image (a provider error, not a failed quality check)."""

    provider: str
    configured: bool  # the IMAGE_PROVIDER now in force
    models: tuple[str, ...] = ()  # seen in the window, the latest first
    attempts: int = 0  # finished attempts looked at
    succeeded: int = 0
    rejected: int = 0  # drawn, but failed our quality checks
    failed: int = 0
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str = ""
    latency_p50: float | None = None  # seconds from submitted to finished, drawn attempts

    def public(self) -> dict[str, object]:
        """Figures safe to show without authentication: no messages, no models."""
        return {
            "configured": self.configured,
            "attempts": self.attempts,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "last_success_at": _iso(self.last_success_at),
            "last_error_at": _iso(self.last_error_at),
            "latency_p50_seconds": self.latency_p50,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _summary(provider: str, configured: bool, rows: list[tuple]) -> ProviderHealth:
    """The figures of one provider from its rows, the latest first."""
    models = tuple(dict.fromkeys(model for _, model, *_ in rows if model))
    success = next((row for row in rows if row[2] == AttemptStatus.SUCCESS), None)
    error = next((row for row in rows if row[2] == AttemptStatus.FAILED), None)
    durations = [
        (finished - submitted).total_seconds()
        for _, _, status, _, submitted, finished in rows
        if status in DRAWN and submitted is not None and finished >= submitted
    ]
    count = {status: sum(row[2] == status for row in rows) for status in AttemptStatus.values}
    return ProviderHealth(
        provider=provider,
        configured=configured,
        models=models,
        attempts=len(rows),
        succeeded=count[AttemptStatus.SUCCESS],
        rejected=count[AttemptStatus.REJECTED],
        failed=count[AttemptStatus.FAILED],
        last_success_at=success[5] if success else None,
        last_error_at=error[5] if error else None,
        last_error=error[3] if error else "",
        latency_p50=round(median(durations), 3) if durations else None,
    )


def provider_health(
    *,
    window: timedelta = HEALTH_WINDOW,
    limit: int = HEALTH_RECENT_ATTEMPTS,
    now: datetime | None = None,
) -> list[ProviderHealth]:
    """The configured provider first (even without attempts), then every other known
    provider that finished an attempt within `window`, each from its `limit` latest."""
    configured = settings.IMAGE_PROVIDER
    names = list(dict.fromkeys([configured, *PROVIDERS]))
    since = (now or timezone.now()) - window
    ranked = (
        GenerationAttempt.objects.filter(provider__in=names, finished_at__gte=since)
        .annotate(
            recent=Window(
                RowNumber(), partition_by=[F("provider")], order_by=F("finished_at").desc()
            )
        )
        .filter(recent__lte=limit)
        .order_by("provider", "-finished_at")
        .values_list("provider", "model", "status", "error", "submitted_at", "finished_at")
    )
    by_provider: dict[str, list[tuple]] = {}
    for row in ranked:
        by_provider.setdefault(row[0], []).append(row)
    shown = [configured, *(name for name in names if name != configured and name in by_provider)]
    return [_summary(name, name == configured, by_provider.get(name, [])) for name in shown]
