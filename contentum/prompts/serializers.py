from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contentum.common.serializers import (
    NOT_A_STRING,
    StrictBooleanField,
    StrictCharField,
    StrictInputSerializer,
    StringOnlyMixin,
    printable,
    unsafe_text_error,
)
from contentum.prompts import selectors
from contentum.prompts.models import MAX_TEMPLATE_LENGTH, PromptParameters, PromptTemplate

NOT_AN_OBJECT = "Ожидается JSON-объект «ключ вопроса: ответ»."


class StrictUUIDField(StringOnlyMixin, serializers.UUIDField):
    """DRF would take the number 7 as UUID(int=7); only a string is an id here."""


# Keys older clients send that the default scenario no longer asks: still understood
# (`aspect_ratio` picks a format of that ratio).
LEGACY_KEYS = ("aspect_ratio",)


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class AnswersField(serializers.Field):
    """`{question key: answer}`: keys of the active scenario, string values, at least one
    filled. The values reach the database and the LLM: they pass the same text rule as a
    StrictCharField (`unsafe_text_error`)."""

    default_error_messages = {"invalid": NOT_AN_OBJECT}

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict):
            self.fail("invalid")
        allowed = {*selectors.scenario_keys(), *LEGACY_KEYS}
        errors: dict[str, list[str]] = {}
        for key, value in data.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                errors[printable(key)] = [f"Неизвестный параметр. Доступны: {known}."]
            elif not isinstance(value, str):
                errors[key] = [NOT_A_STRING]
            elif len(value) > settings.CHAT_MAX_ANSWER_LENGTH:
                errors[key] = [f"Не больше {settings.CHAT_MAX_ANSWER_LENGTH} символов."]
            elif unsafe := unsafe_text_error(value):
                errors[key] = [unsafe]
        if errors:
            raise serializers.ValidationError(errors)
        if not any(value.strip() for value in data.values()):
            raise serializers.ValidationError("Заполните хотя бы один параметр.")
        return dict(data)

    def to_representation(self, value: dict[str, str]) -> dict[str, str]:
        return value


class PromptTemplateSerializer(serializers.ModelSerializer):
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = PromptTemplate
        fields = [
            "id",
            "name",
            "template",
            "negative_template",
            "is_active",
            "revision",
            "createdAt",
            "updatedAt",
        ]
        read_only_fields = fields


class PromptTemplateInputSerializer(StrictInputSerializer):
    name = StrictCharField(max_length=200)
    template = StrictCharField(max_length=MAX_TEMPLATE_LENGTH, trim_whitespace=False)
    negative_template = StrictCharField(
        max_length=MAX_TEMPLATE_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )
    is_active = StrictBooleanField(required=False)

    def __init__(self, *args, partial_update: bool = False, **kwargs):
        super().__init__(*args, partial=partial_update, **kwargs)

    def validate_template(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Шаблон не может быть пустым.")
        return value


class PromptParametersSerializer(serializers.ModelSerializer):
    user = serializers.UUIDField(source="user_id", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = PromptParameters
        fields = ["id", "user", "data", "enriched", "enrichment", "semantic_vector", "createdAt"]
        read_only_fields = fields


class PromptParametersInputSerializer(StrictInputSerializer):
    data = AnswersField()


class AssembleInputSerializer(StrictInputSerializer):
    prompt_parameters_id = StrictUUIDField(required=False, allow_null=True)
    parameters = AnswersField(required=False, allow_null=True)
    template_id = StrictUUIDField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [f for f in ("prompt_parameters_id", "parameters") if attrs.get(f) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Укажите ровно одно из полей: prompt_parameters_id или parameters."
            )
        return attrs


class AssembleResultSerializer(serializers.Serializer):
    assembled_prompt = serializers.CharField()
    negative_prompt = serializers.CharField()
    history_id = serializers.UUIDField()
