"""The usage report in the Django admin: a page listed on the index (through a proxy
model), with the API's parameters as a small form, the table, and the same CSV file."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from contentum.common.admin import ModelAdmin, ReadOnlyMixin, RussianNoun
from contentum.common.exceptions import ApplicationError
from contentum.usage.exports import FIGURES, usage_csv_response
from contentum.usage.models import UsageReport
from contentum.usage.selectors import (
    GROUP_BY,
    UsageParams,
    UsageRow,
    UsageSummary,
    usage_params,
    usage_report,
)

GROUP_KEY_LABELS = {"day": "День", "provider": "Провайдер"}
GROUP_LABELS = {"user": "пользователям", "day": "дням", "provider": "провайдерам"}
FIGURE_LABELS = dict(
    zip(
        FIGURES,
        [
            "Заказы",
            "Задачи у провайдера",
            "Изображения провайдера",
            "Списано с лимитов",
            "Перегенерации",
            "Задачи с попытками",
            "Доля перегенераций",
            "Задержка p50, с",
            "Задержка p95, с",
        ],
        strict=True,
    )
)


def _cells(report: UsageSummary, row: UsageRow) -> list[object]:
    keys = [row.label] + ([row.user_id] if report.group_by == "user" else [])
    figures = [getattr(row, name) for name in FIGURES]
    checks = [row.check_failures.get(name, 0) for name in report.check_names]
    failures = [row.failures.get(code, 0) for code, _ in report.failure_reasons]
    return [*keys, *figures, *checks, row.failures_total, *failures]


def _table(report: UsageSummary) -> dict[str, object]:
    """The table as header and rows of cells: templates cannot index by a variable."""
    keys = ["Email", "Id"] if report.group_by == "user" else [GROUP_KEY_LABELS[report.group_by]]
    header = [
        *keys,
        *FIGURE_LABELS.values(),
        *(f"Проверка «{name}»" for name in report.check_names),
        "Неудачи, всего",
        *(f"Неудачи: {label}" for _, label in report.failure_reasons),
    ]
    return {
        "header": header,
        "table_rows": [_cells(report, row) for row in report.rows],
        "total_row": _cells(report, report.total),
    }


class ReadOnlyPageAdmin(ReadOnlyMixin, ModelAdmin):
    """A page listed on the admin index through a proxy model: its change list is replaced
    by the page (`get_urls`), and nothing can be added, changed or deleted through it."""


@admin.register(UsageReport)
class UsageReportAdmin(ReadOnlyPageAdmin):
    """The report and its CSV; nothing else is served."""

    noun = RussianNoun(
        "отчёт об использовании",
        "отчёта об использовании",
        "отчётов об использовании",
        "отчёты об использовании",
    )

    def get_urls(self) -> list:
        # The report and its file only: no change, history or delete pages of tasks.
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="usage_usagereport_changelist"),
            path("csv/", view(self.csv_view), name="usage_usagereport_csv"),
        ]

    def _params(self, request: HttpRequest) -> UsageParams:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return usage_params({**request.GET.dict(), "format": "json"})

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> TemplateResponse:
        try:
            params, errors = self._params(request), {}
        except ApplicationError as exc:
            params, errors = None, exc.errors
        report, csv_url = None, None
        if params is not None:
            report = usage_report(
                date_from=params.date_from, date_to=params.date_to, group_by=params.group_by
            )
            query = {"from": params.date_from, "to": params.date_to, "group_by": params.group_by}
            csv_url = f"{reverse('admin:usage_usagereport_csv')}?{urlencode(query)}"
        asked = request.GET
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Отчёт об использовании",
            "report": report,
            "errors": errors,
            "csv_url": csv_url,
            "values": {
                "from": params.date_from.isoformat() if params else asked.get("from", ""),
                "to": params.date_to.isoformat() if params else asked.get("to", ""),
                "group_by": params.group_by if params else asked.get("group_by", "user"),
            },
            "group_choices": [(key, GROUP_LABELS[key]) for key in GROUP_BY],
            **(_table(report) if report is not None else {}),
            **(extra_context or {}),
        }
        status = 400 if errors else 200
        return TemplateResponse(request, "admin/usage/report.html", context, status=status)

    def csv_view(self, request: HttpRequest) -> HttpResponse:
        try:
            params = self._params(request)
        except ApplicationError:
            return self.changelist_view(request)  # the page says what is wrong
        report = usage_report(
            date_from=params.date_from, date_to=params.date_to, group_by=params.group_by
        )
        return usage_csv_response(report)


from contentum.usage import health_admin  # noqa: E402, F401 - registers «Состояние провайдеров»
