from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contentum.common.permissions import IsAdmin
from contentum.common.responses import success
from contentum.common.schema import ErrorEnvelopeSerializer, envelope
from contentum.usage.exports import usage_csv_response
from contentum.usage.selectors import FORMATS, GROUP_BY, usage_params, usage_report
from contentum.usage.serializers import UsageReportSerializer


class JsonAnswerNegotiation(BaseContentNegotiation):
    """`format` is the report's own parameter (json or csv), not DRF's renderer switch,
    which would answer `format=csv` with a 404: the view renders JSON (errors included)
    and builds the CSV file itself."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


USAGE_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="Первый день периода (ГГГГ-ММ-ДД, местная дата TIME_ZONE). "
        "По умолчанию — первое число месяца даты `to`.",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description="Последний день периода включительно. По умолчанию — сегодня "
        "(или `from`, если он позже). Период не длиннее 366 дней.",
    ),
    OpenApiParameter(
        "group_by", str, enum=list(GROUP_BY), default="user", description="Группировка строк."
    ),
    OpenApiParameter(
        "format", str, enum=list(FORMATS), default="json", description="csv — файл для выгрузки."
    ),
]


class UsageReportView(APIView):
    permission_classes = [IsAdmin]
    content_negotiation_class = JsonAnswerNegotiation

    @extend_schema(
        summary="Отчёт об использовании",
        description=(
            "Только для администраторов. По задачам, созданным в периоде: заказы (briefs), "
            "задачи у провайдера (variants), изображения провайдера, списанные с лимитов "
            "изображения, непройденные проверки, доля перегенераций, задержка провайдера "
            "(p50/p95, секунды) и неудачи по причинам — по строке на группу и итоговая "
            "строка. `format=csv` отдаёт то же самое файлом."
        ),
        parameters=USAGE_PARAMETERS,
        responses={
            (200, "application/json"): envelope(UsageReportSerializer),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="format=csv: заголовок, группы, итог."
            ),
            400: ErrorEnvelopeSerializer,
        },
        tags=["usage"],
    )
    def get(self, request: Request) -> Response | HttpResponse:
        """The report for the asked range and grouping, as JSON or as a CSV file."""
        params = usage_params(request.query_params)
        report = usage_report(
            date_from=params.date_from, date_to=params.date_to, group_by=params.group_by
        )
        if params.format == "csv":
            return usage_csv_response(report)
        return success("Отчёт об использовании", UsageReportSerializer(report).data)
