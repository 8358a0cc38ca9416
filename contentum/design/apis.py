from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from contentum.common.converters import UUID_CONVERTER
from contentum.common.parsers import SafeJSONParser
from contentum.common.permissions import IsAdmin
from contentum.common.responses import success
from contentum.common.schema import envelope
from contentum.design import selectors, services
from contentum.design.filters import BrandKitFilter, FormatFilter
from contentum.design.models import BrandKit, Format
from contentum.design.serializers import (
    ActiveBrandKitSerializer,
    BrandKitInputSerializer,
    BrandKitSerializer,
    FormatInputSerializer,
    FormatSerializer,
    form_values,
)

# PUT is left out: every edit is a PATCH of the fields that change.
METHODS = ["get", "post", "patch", "delete", "head", "options"]


class FormatViewSet(viewsets.ModelViewSet):
    """Poster formats, addressed by key (`/api/formats/story/`). Anyone signed in reads the
    active ones (admins see inactive ones too); admins create, edit and delete."""

    serializer_class = FormatSerializer
    filterset_class = FormatFilter
    search_fields = ["name", "key"]
    lookup_field = "key"
    lookup_value_converter = "slug"
    http_method_names = METHODS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Format.objects.none()
        return selectors.format_list(user=self.request.user)

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsAuthenticated()]
        return [IsAdmin()]

    @extend_schema(request=FormatInputSerializer, responses={201: FormatSerializer})
    def create(self, request: Request) -> Response:
        data = FormatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fmt = services.format_create(actor=request.user, **data.validated_data)
        return Response(FormatSerializer(fmt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FormatInputSerializer, responses={200: FormatSerializer})
    def partial_update(self, request: Request, key: str | None = None) -> Response:
        data = FormatInputSerializer(data=request.data, partial_update=True)
        data.is_valid(raise_exception=True)
        fmt = services.format_update(
            actor=request.user, fmt=self.get_object(), changes=dict(data.validated_data)
        )
        return Response(FormatSerializer(fmt).data)

    def destroy(self, request: Request, key: str | None = None) -> Response:
        services.format_delete(actor=request.user, fmt=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _serve_logo(file: FieldFile, *, filename: str) -> HttpResponse:
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError as exc:
        raise NotFound("Файл логотипа не найден в хранилище.") from exc
    content_type = "image/webp" if file.name.endswith(".webp") else "image/png"
    response = FileResponse(handle, filename=filename, content_type=content_type)
    # A new logo gets a new file name, but the URL stays: no long caching.
    response["Cache-Control"] = "private, max-age=60"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class BrandKitViewSet(viewsets.ModelViewSet):
    """Brand kits: admins manage them (JSON or multipart with the logo and fonts); anyone
    signed in reads the active one (`active/`) and its logo."""

    serializer_class = BrandKitSerializer
    filterset_class = BrandKitFilter
    search_fields = ["name", "style_words"]
    lookup_value_converter = UUID_CONVERTER
    http_method_names = METHODS
    parser_classes = [SafeJSONParser, MultiPartParser]

    def get_queryset(self):
        return selectors.brand_kit_list()

    def get_permissions(self):
        if self.action in ("active", "logo"):
            return [IsAuthenticated()]
        return [IsAdmin()]

    def _input(self, request: Request, *, partial: bool) -> dict:
        raw = request.data
        if request.content_type.startswith("multipart/"):
            raw = form_values(raw)
        data = BrandKitInputSerializer(data=raw, partial_update=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(request=BrandKitInputSerializer, responses={201: BrandKitSerializer})
    def create(self, request: Request) -> Response:
        values = self._input(request, partial=False)
        kit = services.brand_kit_create(actor=request.user, **values)
        body = BrandKitSerializer(kit, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=BrandKitInputSerializer, responses={200: BrandKitSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        changes = self._input(request, partial=True)
        kit = services.brand_kit_update(actor=request.user, kit=self.get_object(), changes=changes)
        return Response(BrandKitSerializer(kit, context={"request": request}).data)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.brand_kit_delete(actor=request.user, kit=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: envelope(BrandKitSerializer)})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Makes this the active kit; the previously active one is switched off."""
        kit = services.brand_kit_activate(actor=request.user, kit=self.get_object())
        data = BrandKitSerializer(kit, context={"request": request}).data
        return success("Фирменный стиль включён", data)

    @extend_schema(responses={200: envelope(ActiveBrandKitSerializer)}, filters=False)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def active(self, request: Request) -> Response:
        """The active kit, or `data: null` when none is active (posters use the defaults)."""
        kit = selectors.active_brand_kit()
        if kit is None:
            return success("Фирменный стиль не выбран", None)
        return success(
            "Активный фирменный стиль",
            ActiveBrandKitSerializer(kit, context={"request": request}).data,
        )

    @extend_schema(
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="Логотип PNG."),
            (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY, description="Логотип WebP."),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def logo(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The kit's logo: any kit's for admins, the active kit's for everyone else."""
        kit: BrandKit = selectors.brand_kit_for_logo(user=request.user, kit_id=pk)
        if not kit.logo:
            raise NotFound("У этого фирменного стиля нет логотипа.")
        extension = kit.logo.name.rsplit(".", 1)[-1]
        return _serve_logo(kit.logo, filename=f"logo-{kit.pk}.{extension}")
