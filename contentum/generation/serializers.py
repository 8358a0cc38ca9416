from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contentum.common.serializers import NamedChoiceField, StrictCharField, StrictIntegerField
from contentum.generation import progress, selectors
from contentum.generation.models import (
    DEFAULT_MAX_ATTEMPTS,
    MAX_ATTEMPTS,
    MIN_ATTEMPTS,
    AttemptStatus,
    GenerationAttempt,
    GenerationTask,
    ShareLink,
    TaskStatus,
)
from contentum.prompts.serializers import AssembleInputSerializer

ATTEMPTS_RANGE = f"Число попыток должно быть от {MIN_ATTEMPTS} до {MAX_ATTEMPTS}."


class GenerateInputSerializer(AssembleInputSerializer):
    """What `assemble` takes, plus how many attempts and what size.

    The size is `width` + `height`, or `aspect_ratio` ("1:1", "9:16", "16:9", "4:5",
    "2:3"), or else the aspect ratio answered in the questionnaire (1:1 without one)."""

    max_attempts = StrictIntegerField(
        required=False,
        default=DEFAULT_MAX_ATTEMPTS,
        min_value=MIN_ATTEMPTS,
        max_value=MAX_ATTEMPTS,
        error_messages={"min_value": ATTEMPTS_RANGE, "max_value": ATTEMPTS_RANGE},
    )
    aspect_ratio = StrictCharField(required=False, allow_null=True, max_length=16)
    variant_count = StrictIntegerField(
        required=False,
        default=1,
        help_text="Сколько вариантов нарисовать (1…GENERATION_VARIANTS_MAX); по умолчанию 1.",
    )
    width = StrictIntegerField(required=False, allow_null=True)
    height = StrictIntegerField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        sized = attrs.get("width") is not None or attrs.get("height") is not None
        if attrs.get("aspect_ratio") and sized:
            raise serializers.ValidationError(
                "Укажите либо aspect_ratio, либо width и height, но не всё сразу."
            )
        return attrs


class GenerateResultSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    status = serializers.CharField()
    history_id = serializers.UUIDField()
    assembled_prompt = serializers.CharField()
    negative_prompt = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    detail_url = serializers.CharField()


def generate_result(task: GenerationTask) -> dict[str, Any]:
    return {
        "task_id": str(task.pk),
        "status": task.status,
        "history_id": str(task.prompt_history_id),
        "assembled_prompt": task.prompt,
        "negative_prompt": task.negative_prompt,
        "width": task.width,
        "height": task.height,
        "max_attempts": task.max_attempts,
        "detail_url": selectors.task_urls(task)["detail_url"],
    }


class GenerationAttemptSerializer(serializers.ModelSerializer):
    status = NamedChoiceField(
        read_only=True, component="GenerationAttemptStatusEnum", choices=AttemptStatus.choices
    )
    passed = serializers.SerializerMethodField()
    failed_checks = serializers.ListField(child=serializers.CharField(), read_only=True)
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = GenerationAttempt
        fields = [
            "number",
            "status",
            "prompt",
            "provider_job_id",
            "error",
            "provider_retries",
            "passed",
            "failed_checks",
            "quality_report",
            "image_url",
            "thumbnail_url",
            "created_at",
            "submitted_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_passed(self, attempt: GenerationAttempt) -> bool | None:
        """Whether the quality checks passed; null before they ran (or without an image)."""
        report = attempt.quality_report
        return bool(report.get("passed")) if isinstance(report, dict) else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_image_url(self, attempt: GenerationAttempt) -> str | None:
        return selectors.attempt_urls(attempt.task, attempt)["image_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, attempt: GenerationAttempt) -> str | None:
        return selectors.attempt_urls(attempt.task, attempt)["thumbnail_url"]


class GenerationTaskSerializer(serializers.ModelSerializer):
    """A task as lists show it. Image links are null until there is an image."""

    user = serializers.UUIDField(source="owner_id", read_only=True)
    status = NamedChoiceField(
        read_only=True, component="GenerationTaskStatusEnum", choices=TaskStatus.choices
    )
    user_email = serializers.EmailField(source="owner.email", read_only=True)
    chat = serializers.UUIDField(source="chat_id", read_only=True, allow_null=True)
    prompt_history = serializers.UUIDField(
        source="prompt_history_id", read_only=True, allow_null=True
    )
    retried_from = serializers.UUIDField(source="retried_from_id", read_only=True, allow_null=True)
    prompt_text = serializers.CharField(source="prompt", read_only=True)
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GenerationTask
        fields = [
            "id",
            "user",
            "user_email",
            "chat",
            "prompt_history",
            "retried_from",
            "prompt_text",
            "negative_prompt",
            "provider",
            "width",
            "height",
            "status",
            "attempts",
            "max_attempts",
            "last_error",
            "image_url",
            "thumbnail_url",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def _url(self, task: GenerationTask, name: str) -> str | None:
        return selectors.task_urls(task)[name] if task.image else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_image_url(self, task: GenerationTask) -> str | None:
        return self._url(task, "image_url")

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, task: GenerationTask) -> str | None:
        return self._url(task, "thumbnail_url")

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, task: GenerationTask) -> str | None:
        return self._url(task, "download_url")


class PosterSerializer(serializers.Serializer):
    format = serializers.CharField(help_text="Ключ формата (formats/{key}/).")
    width = serializers.IntegerField(help_text="Точный размер постера, px.")
    height = serializers.IntegerField()
    safe = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Отступы безопасной зоны, px: top, right, bottom, left.",
    )
    text = serializers.DictField(help_text="{title, lines, call_to_action}")


class CheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    value = serializers.JSONField(allow_null=True)
    threshold = serializers.JSONField(allow_null=True)
    message = serializers.CharField()


class VariantSerializer(serializers.Serializer):
    """One variant of a task, as the grid shows it while it fills in."""

    number = serializers.IntegerField()
    status = NamedChoiceField(component="GenerationTaskStatusEnum", choices=TaskStatus.choices)
    stage = NamedChoiceField(
        component="GenerationStageEnum",
        choices=list(progress.STAGE_LABELS),
        help_text="queued, provider (у провайдера), checking (проверяется), done, failed, "
        "cancelled.",
    )
    stage_label = serializers.CharField()
    provider_queue = NamedChoiceField(
        component="ProviderQueueEnum",
        choices=["available", "busy"],
        allow_null=True,
        help_text="busy: провайдер сейчас не принимает задания или отвечает ошибкой; "
        "генерация повторится сама.",
    )
    provider_message = serializers.CharField(allow_blank=True)
    eta_seconds = serializers.IntegerField(
        allow_null=True, help_text="Примерно сколько секунд осталось (по недавним задачам)."
    )
    attempts = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)
    checks = CheckSerializer(many=True)
    score = serializers.FloatField(allow_null=True, help_text="Оценка качества, 0–100.")
    chosen = serializers.BooleanField()
    varied_from = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    image_url = serializers.URLField(allow_null=True)
    thumbnail_url = serializers.URLField(allow_null=True)
    download_url = serializers.URLField(allow_null=True)
    vary_url = serializers.URLField()


def variant_data(task: GenerationTask, variant: GenerationTask) -> dict[str, Any]:
    """Variant `variant` of `task` (the task itself when it has one image), from rows
    already fetched: its attempts are prefetched, its `varied_from` read by id."""
    attempts = list(variant.attempt_set.all())
    reported = [a for a in attempts if isinstance(a.quality_report, dict)]
    report = reported[-1].quality_report if reported else None
    number = variant.variant_number or 1
    urls = selectors.variant_urls(task, number)
    ready = bool(variant.image) and variant.status == TaskStatus.SUCCESS
    chosen_id = task.chosen_variant_id if task.has_variants else task.pk
    numbers = {v.pk: v.variant_number for v in selectors.variants_of(task)}
    return {
        "number": number,
        "status": variant.status,
        **progress.progress(variant, attempts),
        "attempts": variant.attempts,
        "max_attempts": variant.max_attempts,
        "passed": bool(report["passed"]) if report else None,
        "checks": report.get("checks", []) if report else [],
        "score": variant.score,
        "chosen": ready and variant.pk == chosen_id,
        "varied_from": numbers.get(variant.varied_from_id),
        "error": variant.last_error,
        "image_url": urls["image_url"] if ready else None,
        "thumbnail_url": urls["thumbnail_url"] if ready else None,
        "download_url": urls["download_url"] if ready else None,
        "vary_url": urls["vary_url"],
    }


class GenerationTaskDetailSerializer(GenerationTaskSerializer):
    """A task with every attempt: its prompt, image links and quality report; a poster's
    format, text and layout, and its clean background's link; its variants."""

    attempt_details = GenerationAttemptSerializer(source="attempt_set", many=True, read_only=True)
    poster = serializers.SerializerMethodField()
    poster_layout = serializers.JSONField(read_only=True)
    layout = serializers.JSONField(source="poster_layout", read_only=True)
    background_url = serializers.SerializerMethodField()
    variant_count = serializers.SerializerMethodField()
    chosen_variant = serializers.SerializerMethodField()
    variants = serializers.SerializerMethodField()

    class Meta(GenerationTaskSerializer.Meta):
        fields = [
            *GenerationTaskSerializer.Meta.fields,
            "recoveries",
            "attempt_details",
            "poster",
            "poster_layout",
            "layout",
            "background_url",
            "variant_count",
            "chosen_variant",
            "score",
            "variants",
        ]
        read_only_fields = fields

    def get_variant_count(self, task: GenerationTask) -> int:
        return len(selectors.variants_of(task))

    def get_chosen_variant(self, task: GenerationTask) -> int | None:
        """The number of the variant the task shows (downloads, shares); null before one
        is ready."""
        if not task.has_variants:
            return 1 if task.status == TaskStatus.SUCCESS and task.image else None
        numbers = {v.pk: v.variant_number for v in selectors.variants_of(task)}
        return numbers.get(task.chosen_variant_id)

    @extend_schema_field(VariantSerializer(many=True))
    def get_variants(self, task: GenerationTask) -> list[dict[str, Any]]:
        return [variant_data(task, variant) for variant in selectors.variants_of(task)]

    @extend_schema_field(PosterSerializer(allow_null=True))
    def get_poster(self, task: GenerationTask) -> dict[str, Any] | None:
        return selectors.poster_summary(task)

    @extend_schema_field(OpenApiTypes.URI)
    def get_background_url(self, task: GenerationTask) -> str | None:
        return selectors.task_urls(task)["background_url"] if task.background else None


class ChooseInputSerializer(serializers.Serializer):
    variant = StrictIntegerField(help_text="Номер варианта из variants.")


class VaryInputSerializer(serializers.Serializer):
    strength = serializers.ChoiceField(
        choices=["subtle", "strong"],
        default="subtle",
        help_text="subtle: тот же промпт, другое зерно; strong: промпт другими словами.",
        error_messages={"invalid_choice": "strength: subtle или strong."},
    )


class PosterTextInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=300)
    lines = serializers.ListField(
        child=StrictCharField(max_length=200, allow_blank=True), required=False, max_length=4
    )
    call_to_action = StrictCharField(required=False, allow_blank=True, max_length=120)


class ShareResultSerializer(serializers.Serializer):
    share_id = serializers.UUIDField(
        help_text="Идентификатор ссылки: DELETE share/{share_id}/ отзывает её."
    )
    url = serializers.CharField(help_text="Ссылка на скачивание (то же, что download_url).")
    download_url = serializers.CharField()
    image_url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ShareLinkSerializer(serializers.ModelSerializer):
    share_id = serializers.UUIDField(source="pk", read_only=True)
    task = serializers.UUIDField(source="task_id", read_only=True)
    createdBy = serializers.UUIDField(source="created_by_id", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = ShareLink
        fields = ["share_id", "task", "createdBy", "createdAt", "expires_at", "revoked_at"]
        read_only_fields = fields


class SharesRevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="Сколько ссылок отозвано сейчас.")
