"""No tables of its own: the report pages read generation tasks and their attempts."""

from contentum.generation.models import GenerationAttempt, GenerationTask


class UsageReport(GenerationTask):
    """A proxy, so the admin index lists the report page (admin.py renders it instead of
    a change list); it adds no table and no column."""

    class Meta:
        proxy = True
        verbose_name = "отчёт об использовании"
        verbose_name_plural = "отчёт об использовании"


class ProviderHealthReport(GenerationAttempt):
    """A proxy, so the admin index lists the providers' health page (health_admin.py
    renders it from `generation.health.provider_health`); no table, no column."""

    class Meta:
        proxy = True
        verbose_name = "состояние провайдеров"
        verbose_name_plural = "состояние провайдеров"
