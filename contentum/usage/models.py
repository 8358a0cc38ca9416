"""No tables of its own: the report reads generation tasks and their attempts."""

from contentum.generation.models import GenerationTask


class UsageReport(GenerationTask):
    """A proxy, so the admin index lists the report page (admin.py renders it instead of
    a change list); it adds no table and no column."""

    class Meta:
        proxy = True
        verbose_name = "отчёт об использовании"
        verbose_name_plural = "отчёт об использовании"
