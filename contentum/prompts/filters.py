import django_filters

from contentum.prompts.models import PromptParameters, PromptTemplate


class PromptTemplateFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(field_name="is_active")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    createdAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    updatedAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="updated_at")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "createdAt"),
            ("updated_at", "updatedAt"),
            ("name", "name"),
            ("revision", "revision"),
        )
    )

    class Meta:
        model = PromptTemplate
        fields = ["is_active", "name", "createdAt", "updatedAt"]


class PromptParametersFilter(django_filters.FilterSet):
    user = django_filters.UUIDFilter(field_name="user_id")
    createdAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    ordering = django_filters.OrderingFilter(fields=(("created_at", "createdAt"),))

    class Meta:
        model = PromptParameters
        fields = ["user", "createdAt"]
