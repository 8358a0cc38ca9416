from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contentum.common.converters import UUID_CONVERTER
from contentum.common.permissions import IsAdmin
from contentum.common.responses import success
from contentum.common.schema import envelope
from contentum.questionnaire import selectors, services
from contentum.questionnaire.serializers import ScenarioInputSerializer, ScenarioSerializer


class ScenarioViewSet(viewsets.ModelViewSet):
    """The questionnaire chats follow. Admins only; exactly one scenario is active."""

    serializer_class = ScenarioSerializer
    permission_classes = [IsAdmin]
    search_fields = ["name", "description"]
    filterset_fields = ["is_active"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    lookup_value_converter = UUID_CONVERTER

    def get_queryset(self):
        return selectors.scenario_list()

    def _save(self, request: Request, *, scenario=None, partial: bool = False) -> dict:
        data = ScenarioInputSerializer(data=request.data, partial_update=partial)
        data.is_valid(raise_exception=True)
        scenario = services.scenario_save(
            actor=request.user, scenario=scenario, **data.validated_data
        )
        return ScenarioSerializer(selectors.scenario_list().get(pk=scenario.pk)).data

    @extend_schema(request=ScenarioInputSerializer, responses={201: ScenarioSerializer})
    def create(self, request: Request) -> Response:
        return Response(self._save(request), status=status.HTTP_201_CREATED)

    @extend_schema(request=ScenarioInputSerializer, responses={200: ScenarioSerializer})
    def update(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._save(request, scenario=self.get_object()))

    @extend_schema(request=ScenarioInputSerializer, responses={200: ScenarioSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._save(request, scenario=self.get_object(), partial=True))

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.scenario_delete(actor=request.user, scenario=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: envelope(ScenarioSerializer)})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        scenario = services.scenario_activate(actor=request.user, scenario=self.get_object())
        return success("Сценарий включён", ScenarioSerializer(scenario).data)
