import json
import math
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contentum.common.serializers import (
    NamedChoiceField,
    StrictBooleanField,
    StrictCharField,
    StrictInputSerializer,
    StrictIntegerField,
)
from contentum.design.engine import SHIPPED_FAMILIES
from contentum.design.models import (
    MAX_PROMPT_ADDITION_LENGTH,
    BrandKit,
    ColorRole,
    Format,
    LogoCorner,
    Platform,
)
from contentum.design.validation import FILE_FIELDS

NOT_A_NUMBER = "Ожидается число."


class StrictNumberField(serializers.FloatField):
    """A JSON number (integer or not), finite: "3", true and NaN are refused."""

    def to_internal_value(self, data: Any) -> float:
        if not isinstance(data, int | float) or isinstance(data, bool) or not math.isfinite(data):
            raise serializers.ValidationError(NOT_A_NUMBER, code="invalid")
        return float(data)


def _choice(choices: Any, *, component: str | None = None, **kwargs: Any) -> serializers.Field:
    allowed = ", ".join(str(value) for value, _ in choices)
    messages = {"invalid_choice": f"Недопустимое значение «{{input}}». Доступны: {allowed}."}
    if component:
        return NamedChoiceField(
            component=component, choices=choices, error_messages=messages, **kwargs
        )
    return serializers.ChoiceField(choices=choices, error_messages=messages, **kwargs)


FONT_FAMILIES = [(key, info.name) for key, info in sorted(SHIPPED_FAMILIES.items())]


# --- Formats ------------------------------------------------------------------------------


class FormatSerializer(serializers.ModelSerializer):
    platform_label = serializers.CharField(source="get_platform_display", read_only=True)
    aspect_ratio = serializers.CharField(read_only=True, help_text="Сокращённое: «9:16».")
    ratio = serializers.FloatField(read_only=True, help_text="Ширина ÷ высота.")
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = Format
        fields = [
            "id",
            "key",
            "name",
            "platform",
            "platform_label",
            "width",
            "height",
            "aspect_ratio",
            "ratio",
            "safe_top_pct",
            "safe_right_pct",
            "safe_bottom_pct",
            "safe_left_pct",
            "is_active",
            "sort_order",
            "createdAt",
            "updatedAt",
        ]
        read_only_fields = fields


class FormatInputSerializer(StrictInputSerializer):
    """Types only; sizes, safe zone and key are checked by the service (`format_problems`)."""

    key = StrictCharField(max_length=50, help_text="Латиница, цифры и дефисы; не меняется.")
    name = StrictCharField(max_length=100)
    platform = _choice(Platform.choices, required=False)
    width = StrictIntegerField(help_text="64–4096 px.")
    height = StrictIntegerField(help_text="64–4096 px.")
    safe_top_pct = StrictNumberField(required=False, help_text="0–50 %; сверху + снизу < 90 %.")
    safe_right_pct = StrictNumberField(required=False, help_text="0–50 %; слева + справа < 90 %.")
    safe_bottom_pct = StrictNumberField(required=False)
    safe_left_pct = StrictNumberField(required=False)
    is_active = StrictBooleanField(required=False)
    sort_order = StrictIntegerField(required=False, min_value=0, max_value=1_000_000)

    def __init__(self, *args, partial_update: bool = False, **kwargs):
        super().__init__(*args, partial=partial_update, **kwargs)


# --- Brand kits ---------------------------------------------------------------------------


class ColorSerializer(serializers.Serializer):
    hex = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", help_text="«#rrggbb».")
    role = _choice(ColorRole.choices, component="ColorRoleEnum")


@extend_schema_field(ColorSerializer(many=True))
class ColorsField(serializers.JSONField):
    """The list as sent; the service checks every colour and names the bad ones."""


def _logo_url(kit: BrandKit, context: dict) -> str | None:
    if not kit.logo:
        return None
    path = reverse("brand-kit-logo", kwargs={"pk": str(kit.pk)})
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ActiveBrandKitSerializer(serializers.ModelSerializer):
    """What anyone signed in may know of the active kit (the web client's preview)."""

    colors = ColorSerializer(many=True, read_only=True)
    title_font_uploaded = serializers.SerializerMethodField()
    body_font_uploaded = serializers.SerializerMethodField()
    logo_url = serializers.SerializerMethodField()

    class Meta:
        model = BrandKit
        fields = [
            "id",
            "name",
            "colors",
            "title_font",
            "body_font",
            "title_font_uploaded",
            "body_font_uploaded",
            "logo_url",
            "logo_corner",
            "logo_width_pct",
        ]
        read_only_fields = fields

    def get_title_font_uploaded(self, kit: BrandKit) -> bool:
        return bool(kit.title_font_file)

    def get_body_font_uploaded(self, kit: BrandKit) -> bool:
        return bool(kit.body_font_file)

    def get_logo_url(self, kit: BrandKit) -> str | None:
        return _logo_url(kit, self.context)


class BrandKitSerializer(ActiveBrandKitSerializer):
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta(ActiveBrandKitSerializer.Meta):
        fields = [
            *ActiveBrandKitSerializer.Meta.fields,
            "is_active",
            "style_words",
            "negative_prompt",
            "createdAt",
            "updatedAt",
        ]
        read_only_fields = fields


def _upload(help_text: str) -> serializers.FileField:
    return serializers.FileField(
        required=False, allow_null=True, allow_empty_file=False, help_text=help_text
    )


class BrandKitInputSerializer(StrictInputSerializer):
    """JSON or multipart. Files come only in multipart; null (or an empty form field)
    removes the kit's file."""

    name = StrictCharField(max_length=100)
    colors = ColorsField(required=False)
    title_font = _choice(FONT_FAMILIES, component="FontFamilyEnum", required=False)
    body_font = _choice(FONT_FAMILIES, component="FontFamilyEnum", required=False)
    title_font_file = _upload("TTF/OTF с кириллицей; заменяет title_font.")
    body_font_file = _upload("TTF/OTF с кириллицей; заменяет body_font.")
    logo = _upload("PNG или WebP, не анимированный.")
    logo_corner = _choice(LogoCorner.choices, required=False)
    logo_width_pct = StrictNumberField(required=False, help_text="5–40 % ширины постера.")
    style_words = StrictCharField(
        max_length=MAX_PROMPT_ADDITION_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Дописываются к каждому промпту.",
    )
    negative_prompt = StrictCharField(
        max_length=MAX_PROMPT_ADDITION_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Дописывается к каждому негативному промпту.",
    )
    is_active = StrictBooleanField(required=False)

    def __init__(self, *args, partial_update: bool = False, **kwargs):
        super().__init__(*args, partial=partial_update, **kwargs)


BOOLEANS = {"true": True, "false": False}


def form_values(data: Any) -> dict[str, Any]:
    """A multipart form as the JSON body it stands for.

    Form fields are text: `colors` comes as a JSON string, `is_active` as true/false,
    `logo_width_pct` as a number; an empty file field removes the file. Each field is
    given once.
    """
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in data:
        given = data.getlist(key)
        if len(given) != 1:
            errors[key] = ["Укажите поле один раз."]
            continue
        value = given[0]
        if isinstance(value, str):
            if key in FILE_FIELDS and value == "":
                value = None
            elif key == "colors":
                try:
                    value = json.loads(value)
                except ValueError:
                    errors[key] = ["Ожидается JSON-список цветов."]
            elif key == "is_active":
                if value.lower() not in BOOLEANS:
                    errors[key] = ["Ожидается true или false."]
                value = BOOLEANS.get(value.lower())
            elif key == "logo_width_pct":
                try:
                    value = float(value.replace(",", "."))
                except ValueError:
                    errors[key] = [NOT_A_NUMBER]
        values[key] = value
    if errors:
        raise serializers.ValidationError(errors)
    return values
