"""The usage report as CSV: one header row, a row per group, the total row last. The API
(`format=csv`) and the admin page's "Скачать CSV" link answer the same file."""

import csv
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from contentum.usage.selectors import COUNTS, UsageRow, UsageSummary

KEY_COLUMNS = {"user": ["user_id", "email"], "day": ["day"], "provider": ["provider"]}
FIGURES = [*COUNTS, "regeneration_rate", "latency_p50", "latency_p95"]
# A spreadsheet runs a cell that starts like a formula: such text is quoted with "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def usage_csv_header(report: UsageSummary) -> list[str]:
    return [
        *KEY_COLUMNS[report.group_by],
        *FIGURES,
        *(f"check_failed:{name}" for name in report.check_names),
        "failures_total",
        *(f"failed:{code}" for code, _ in report.failure_reasons),
    ]


def _keys(report: UsageSummary, row: UsageRow, *, total: bool) -> list[str]:
    if total:
        return [row.key] + [""] * (len(KEY_COLUMNS[report.group_by]) - 1)
    if report.group_by == "user":
        return [_text(row.user_id), _text(row.user_email)]
    return [_text(row.key)]


def usage_csv_rows(report: UsageSummary) -> list[list[str]]:
    """Header, groups, total: check failures and failures by reason flattened to columns."""
    lines = [usage_csv_header(report)]
    for row, total in [*((row, False) for row in report.rows), (report.total, True)]:
        lines.append(
            [
                *_keys(report, row, total=total),
                *(_text(getattr(row, name)) for name in FIGURES),
                *(str(row.check_failures.get(name, 0)) for name in report.check_names),
                str(row.failures_total),
                *(str(row.failures.get(code, 0)) for code, _ in report.failure_reasons),
            ]
        )
    return lines


def usage_csv_filename(report: UsageSummary) -> str:
    return f"usage-{report.date_from}-{report.date_to}-{report.group_by}.csv"


def usage_csv_response(report: UsageSummary) -> HttpResponse:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(usage_csv_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=usage_csv_filename(report)
    )
    return response
