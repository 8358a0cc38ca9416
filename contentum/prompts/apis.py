from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contentum.common.converters import UUID_CONVERTER
from contentum.common.permissions import IsAdmin
from contentum.common.responses import success
from contentum.common.schema import envelope
from contentum.common.throttling import LLMUserThrottle
from contentum.prompts import selectors, services
from contentum.prompts.filters import PromptParametersFilter, PromptTemplateFilter
from contentum.prompts.models import PromptParameters
from contentum.prompts.serializers import (
    AssembleInputSerializer,
    AssembleResultSerializer,
    PromptParametersInputSerializer,
    PromptParametersSerializer,
    PromptTemplateInputSerializer,
    PromptTemplateSerializer,
)
from contentum.prompts.templating import DERIVED_PLACEHOLDERS

PLACEHOLDERS_HELP = "Подстановки: `{ключ}` вопросов активного сценария и производные: " + "; ".join(
    f"`{{{name}}}` — {text}" for name, text in DERIVED_PLACEHOLDERS.items()
)


class PromptTemplateViewSet(viewsets.ModelViewSet):
    """Prompt templates. Anyone signed in reads them; admins edit and activate."""

    serializer_class = PromptTemplateSerializer
    filterset_class = PromptTemplateFilter
    search_fields = ["name", "template"]
    lookup_value_converter = UUID_CONVERTER

    def get_queryset(self):
        return selectors.template_list()

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsAuthenticated()]
        return [IsAdmin()]

    def _save(self, request: Request, *, instance=None, partial: bool = False) -> dict:
        data = PromptTemplateInputSerializer(data=request.data, partial_update=partial)
        data.is_valid(raise_exception=True)
        if instance is None:
            saved = services.template_create(actor=request.user, **data.validated_data)
        else:
            saved = services.template_update(
                actor=request.user, prompt_template=instance, changes=dict(data.validated_data)
            )
        return PromptTemplateSerializer(saved).data

    @extend_schema(
        request=PromptTemplateInputSerializer,
        responses={201: PromptTemplateSerializer},
        description=PLACEHOLDERS_HELP,
    )
    def create(self, request: Request) -> Response:
        return Response(self._save(request), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PromptTemplateInputSerializer,
        responses={200: PromptTemplateSerializer},
        description=PLACEHOLDERS_HELP,
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._save(request, instance=self.get_object()))

    @extend_schema(request=PromptTemplateInputSerializer, responses={200: PromptTemplateSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._save(request, instance=self.get_object(), partial=True))

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.template_delete(actor=request.user, prompt_template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: envelope(PromptTemplateSerializer)})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Makes this the active template; the previously active one is switched off."""
        template = services.template_activate(actor=request.user, prompt_template=self.get_object())
        return success("Шаблон включён", PromptTemplateSerializer(template).data)


class PromptParametersViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Parameter sets: employees see their own, admins everyone's."""

    serializer_class = PromptParametersSerializer
    filterset_class = PromptParametersFilter
    search_fields = ["data", "user__email", "user__full_name"]
    lookup_value_converter = UUID_CONVERTER
    throttle_classes = [LLMUserThrottle]  # a POST may enrich through the LLM; reads are free

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return PromptParameters.objects.none()
        return selectors.parameters_list(user=self.request.user)

    @extend_schema(
        request=PromptParametersInputSerializer, responses={201: PromptParametersSerializer}
    )
    def create(self, request: Request) -> Response:
        """Stores answers `{data: {key: answer}}`; short ones are enriched first."""
        data = PromptParametersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parameters = services.prompt_parameters_submit(
            user=request.user, answers=data.validated_data["data"]
        )
        return Response(PromptParametersSerializer(parameters).data, status=status.HTTP_201_CREATED)


class AssembleView(APIView):
    throttle_classes = [LLMUserThrottle]

    @extend_schema(
        request=AssembleInputSerializer,
        responses={200: envelope(AssembleResultSerializer)},
        tags=["promptactions"],
    )
    def post(self, request: Request) -> Response:
        """Fills a template (the active one unless `template_id`) from a stored or inline set."""
        data = AssembleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        history = services.prompt_assemble_requested(user=request.user, **data.validated_data)
        return success(
            "Промпт собран",
            {
                "assembled_prompt": history.assembled_prompt,
                "negative_prompt": history.negative_prompt,
                "history_id": str(history.id),
            },
        )
