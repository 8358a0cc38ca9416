from rest_framework import serializers

from contentum.usage.selectors import FailureReason


class UsageRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Id пользователя, дата (ГГГГ-ММ-ДД), провайдер; «total».")
    label = serializers.CharField(help_text="Email, дата или провайдер; «Итого» у итоговой строки.")
    user_id = serializers.CharField(allow_null=True, help_text="Только при group_by=user.")
    user_email = serializers.CharField(allow_null=True, help_text="Только при group_by=user.")
    briefs = serializers.IntegerField(help_text="Заказы пользователей: задачи без brief.")
    variants = serializers.IntegerField(help_text="Задачи, выполнявшиеся у провайдера.")
    provider_images = serializers.IntegerField(help_text="Попытки у провайдера.")
    images_charged = serializers.IntegerField(help_text="Изображений списано с лимитов.")
    regenerations = serializers.IntegerField(help_text="Попытки с номером больше 1.")
    attempted_variants = serializers.IntegerField(help_text="Варианты хотя бы с одной попыткой.")
    regeneration_rate = serializers.FloatField(
        help_text="regenerations / attempted_variants; 0, если попыток не было."
    )
    latency_p50 = serializers.FloatField(allow_null=True, help_text="Медиана, секунды.")
    latency_p95 = serializers.FloatField(allow_null=True, help_text="95-й перцентиль, секунды.")
    check_failures = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Непройденные проверки отклонённых попыток: имя проверки → число.",
    )
    failures_total = serializers.IntegerField(help_text="Неудавшиеся задачи (не заказы).")
    failures = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Неудавшиеся задачи по причинам: код причины → число (все коды).",
    )


class FailureReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=", ".join(FailureReason.values))
    label = serializers.CharField()


class UsageReportSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.ChoiceField(choices=["user", "day", "provider"])
    check_names = serializers.ListField(child=serializers.CharField())
    failure_reasons = FailureReasonSerializer(many=True, source="reasons")
    rows = UsageRowSerializer(many=True)
    total = UsageRowSerializer()
