"""Input serializers that refuse what DRF would quietly accept.

DRF ignores unknown keys and turns numbers into strings; an API that "changes nothing on
bad input" has to say no to both instead.
"""

from typing import Any

from rest_framework import serializers

UNKNOWN_FIELD = "Неизвестное поле."
NOT_A_STRING = "Ожидается строка."


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
            raise serializers.ValidationError({key: [UNKNOWN_FIELD] for key in unknown})
        return super().to_internal_value(data)


class StringOnlyMixin:
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_A_STRING, code="invalid")
        return super().to_internal_value(data)


class StrictCharField(StringOnlyMixin, serializers.CharField):
    pass


class StrictEmailField(StringOnlyMixin, serializers.EmailField):
    pass


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true/false: "yes" or 1 are refused."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError("Ожидается true или false.", code="invalid")
        return data
