import django_filters

from contentum.design.models import BrandKit, Format, Platform


class FormatFilter(django_filters.FilterSet):
    platform = django_filters.ChoiceFilter(field_name="platform", choices=Platform.choices)
    is_active = django_filters.BooleanFilter(field_name="is_active")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("sort_order", "sort_order"),
            ("key", "key"),
            ("name", "name"),
            ("width", "width"),
            ("height", "height"),
            ("created_at", "createdAt"),
            ("updated_at", "updatedAt"),
        )
    )

    class Meta:
        model = Format
        fields = ["platform", "is_active"]


class BrandKitFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(field_name="is_active")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    createdAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    updatedAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="updated_at")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("created_at", "createdAt"),
            ("updated_at", "updatedAt"),
        )
    )

    class Meta:
        model = BrandKit
        fields = ["is_active", "name", "createdAt", "updatedAt"]
