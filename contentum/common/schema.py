"""OpenAPI: every operation documents the error envelope next to its real answers."""

from functools import cache

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from contentum.common.serializers import NamedChoiceField


class EnvelopeStatusField(serializers.ChoiceField):
    """The envelope's `status`: always the one literal `value` ("success" or "error")."""

    def __init__(self, value: str, **kwargs) -> None:
        self.value = value
        super().__init__(choices=[value], **kwargs)


class EnvelopeStatusFieldExtension(OpenApiSerializerFieldExtension):
    """Each `status` literal becomes one shared enum component (`SuccessStatusEnum`, …).

    Left to drf-spectacular, the "success" choice set used by every success envelope and
    the "error" set of the error envelope collide under the field name `status`, which is
    a schema warning (and `--fail-on-warn` / `check --deploy` report it).
    """

    target_class = EnvelopeStatusField

    def map_serializer_field(self, auto_schema, direction):
        value = self.target.value
        component = ResolvedComponent(
            name=f"{value.capitalize()}StatusEnum",
            type=ResolvedComponent.SCHEMA,
            object=f"envelope-status-{value}",
            schema={"type": "string", "enum": [value]},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.component,
            type=ResolvedComponent.SCHEMA,
            object=f"named-choice-{field.component}",
            schema={
                "type": "string",
                "enum": list(field.choices),
                "description": "\n".join(f"* `{k}` - {v}" for k, v in field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class ErrorEnvelopeSerializer(serializers.Serializer):
    status = EnvelopeStatusField("error")
    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


@cache
def envelope(serializer_class: type[serializers.Serializer], *, many: bool = False):
    """The success envelope around `serializer_class`, as a named schema component."""
    suffix = "List" if many else ""
    return inline_serializer(
        name=f"{serializer_class.__name__.removesuffix('Serializer')}{suffix}Envelope",
        fields={
            "status": EnvelopeStatusField("success"),
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
        # Ask the view, not `throttle_classes`: viewsets pick throttles per action.
        if self.view.get_throttles():
            codes.append("429")
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorEnvelopeSerializer, code))
        return responses
