"""Input serializers that refuse what DRF would quietly accept.

DRF ignores unknown keys and turns numbers into strings; an API that "changes nothing on
bad input" has to say no to both instead.

Every text that reaches the database, a log or the LLM passes `validate_safe_text`: NUL
(PostgreSQL refuses it in text) and lone UTF-16 surrogates (no UTF-8 encoding exists, so
saving, logging or rendering one fails) are refused here, with one Russian message.
"""

import re
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

UNKNOWN_FIELD = "Неизвестное поле."
NOT_A_STRING = "Ожидается строка."
NUL_CHARACTER = "Недопустимый символ NUL."
SURROGATE_CHARACTER = "Недопустимый символ U+{code:04X}: одиночный суррогат не является текстом."

LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNSAFE = re.compile(r"[\x00\ud800-\udfff]")


def unsafe_text_error(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    match = _UNSAFE.search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return NUL_CHARACTER
    return SURROGATE_CHARACTER.format(code=ord(match.group()))


def validate_safe_text(value: str) -> None:
    error = unsafe_text_error(value)
    if error:
        raise serializers.ValidationError(error, code="unsafe_character")


def printable(key: str) -> str:
    """`key` as it can be echoed in an error (a lone surrogate becomes `\\udXXX`)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


class StrictInputSerializer(serializers.Serializer):
    """Refuses keys it does not declare, and a body that is not a JSON object."""

    default_error_messages = {"invalid": "Ожидается JSON-объект."}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [self.error_messages["invalid"]]}
            )
        declared = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - declared)
        if unknown:
            raise serializers.ValidationError({printable(key): [UNKNOWN_FIELD] for key in unknown})
        return super().to_internal_value(data)


class StringOnlyMixin:
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_A_STRING, code="invalid")
        return super().to_internal_value(data)


class SafeTextMixin:
    """`validate_safe_text` in place of DRF's two English-only validators for NUL and
    lone surrogates."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        drf_own = (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, drf_own)),
            validate_safe_text,
        ]


class StrictCharField(StringOnlyMixin, SafeTextMixin, serializers.CharField):
    """Text: a string (never a number turned into one) that can be stored as text."""


class StrictEmailField(StringOnlyMixin, SafeTextMixin, serializers.EmailField):
    pass


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true/false: "yes" or 1 are refused."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError("Ожидается true или false.", code="invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """Only a JSON integer: "3", 3.0 and true are refused rather than converted."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            raise serializers.ValidationError("Ожидается целое число.", code="invalid")
        return super().to_internal_value(data)


class NamedChoiceField(serializers.ChoiceField):
    """A choice documented as its own named enum (`component`): fields named alike with
    other choices (a chat's and a task's `status`, a colour's and a user's `role`) would
    otherwise collide in the schema, which drf-spectacular warns about."""

    def __init__(self, *, component: str, **kwargs: Any) -> None:
        self.component = component
        super().__init__(**kwargs)
