import django_filters
from django.db.models import QuerySet

from contentum.accounts.models import Role, User

APPROVAL_CHOICES = (("pending", "ожидает подтверждения"), ("approved", "подтверждена"))


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    isActive = django_filters.BooleanFilter(field_name="is_active")
    dateJoined = django_filters.IsoDateTimeFromToRangeFilter(field_name="date_joined")
    # The admins' queue: `?approval=pending` lists the accounts waiting for approval.
    approval = django_filters.ChoiceFilter(choices=APPROVAL_CHOICES, method="filter_approval")
    ordering = django_filters.OrderingFilter(
        fields=(("date_joined", "dateJoined"), ("email", "email"), ("full_name", "fullName"))
    )

    class Meta:
        model = User
        fields = ["role", "isActive", "dateJoined", "approval"]

    def filter_approval(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(approved_at__isnull=value == "pending")
