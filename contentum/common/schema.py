"""OpenAPI: every operation documents the error envelope next to its real answers."""

from functools import cache

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorEnvelopeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["error"])
    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


@cache
def envelope(serializer_class: type[serializers.Serializer], *, many: bool = False):
    """The success envelope around `serializer_class`, as a named schema component."""
    suffix = "List" if many else ""
    return inline_serializer(
        name=f"{serializer_class.__name__.removesuffix('Serializer')}{suffix}Envelope",
        fields={
            "status": serializers.ChoiceField(choices=["success"]),
            "message": serializers.CharField(),
            "data": serializer_class(many=many),
        },
    )


class EnvelopeAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = []
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "413", "415"]
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorEnvelopeSerializer, code))
        return responses
