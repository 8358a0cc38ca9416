import django_filters

from contentum.generation.models import GenerationTask, TaskStatus


class GenerationTaskFilter(django_filters.FilterSet):
    """`?status=FAILED&chat=<id>&created_at_after=2026-05-01&ordering=-finished_at`."""

    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    chat = django_filters.UUIDFilter(field_name="chat_id")
    user = django_filters.UUIDFilter(field_name="owner_id")
    created_at = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    finished_at = django_filters.IsoDateTimeFromToRangeFilter(field_name="finished_at")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created_at"),
            ("finished_at", "finished_at"),
            ("status", "status"),
            ("attempts", "attempts"),
        )
    )

    class Meta:
        model = GenerationTask
        fields = ["status", "chat", "user", "created_at", "finished_at"]
