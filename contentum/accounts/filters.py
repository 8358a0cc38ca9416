import django_filters

from contentum.accounts.models import Role, User


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    isActive = django_filters.BooleanFilter(field_name="is_active")
    dateJoined = django_filters.IsoDateTimeFromToRangeFilter(field_name="date_joined")
    ordering = django_filters.OrderingFilter(
        fields=(("date_joined", "dateJoined"), ("email", "email"), ("full_name", "fullName"))
    )

    class Meta:
        model = User
        fields = ["role", "isActive", "dateJoined"]
