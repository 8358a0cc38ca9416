"""Generation tasks and their attempts. Image bytes live in Django storage, never in rows.

A task is what a user asked for (a prompt at a size, up to N attempts); an attempt is one
job at the provider with the prompt it used, the image it gave and the quality report.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from contentum.generation.text import MAX_PROMPT_CHARS

MIN_ATTEMPTS = 1
MAX_ATTEMPTS = 10
DEFAULT_MAX_ATTEMPTS = 3


class TaskStatus(models.TextChoices):
    PENDING = "PENDING", "В очереди"
    RUNNING = "RUNNING", "Выполняется"
    SUCCESS = "SUCCESS", "Готово"
    FAILED = "FAILED", "Не удалась"
    CANCELLED = "CANCELLED", "Отменена"


FINISHED_STATUSES = (TaskStatus.SUCCESS, TaskStatus.FAILED, TaskStatus.CANCELLED)
ACTIVE_STATUSES = (TaskStatus.PENDING, TaskStatus.RUNNING)


class AttemptStatus(models.TextChoices):
    PENDING = "PENDING", "Отправляется"  # created; the provider has not accepted the job yet
    RUNNING = "RUNNING", "У провайдера"
    SUCCESS = "SUCCESS", "Принята"
    REJECTED = "REJECTED", "Не прошла проверки"  # an image (or a censored job) that failed
    FAILED = "FAILED", "Ошибка"  # no usable image: provider error, not an image, too big
    CANCELLED = "CANCELLED", "Отменена"


FINISHED_ATTEMPT_STATUSES = (
    AttemptStatus.SUCCESS,
    AttemptStatus.REJECTED,
    AttemptStatus.FAILED,
    AttemptStatus.CANCELLED,
)


# What a brief takes from the variant it shows (GenerationTask.show).
SHOWN_FIELDS = [
    "chosen_variant",
    "image",
    "thumbnail",
    "background",
    "poster_layout",
    "poster_text",
    "score",
]


def image_path(instance: "GenerationTask | GenerationAttempt", filename: str) -> str:
    """`generation/2026/05/17/<task id>/<file>`: a task's files sit together, by day."""
    task = instance if isinstance(instance, GenerationTask) else instance.task
    return f"generation/{task.created_at:%Y/%m/%d}/{task.pk}/{filename}"


def _at_most(field: str, limit: int, name: str) -> models.CheckConstraint:
    # SQLite ignores VARCHAR lengths; the database still refuses a longer prompt.
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


class GenerationTask(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="generation_tasks",
        verbose_name="владелец",
    )
    chat = models.ForeignKey(
        "chats.Chat",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_tasks",
        verbose_name="чат",
    )
    prompt_history = models.ForeignKey(
        "prompts.PromptHistory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_tasks",
        verbose_name="собранный промпт",
    )
    retried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        verbose_name="повтор задачи",
    )
    prompt = models.CharField("промпт", max_length=MAX_PROMPT_CHARS)
    negative_prompt = models.CharField("негативный промпт", max_length=MAX_PROMPT_CHARS, blank=True)
    provider = models.CharField("провайдер", max_length=32)
    width = models.PositiveSmallIntegerField("ширина")
    height = models.PositiveSmallIntegerField("высота")
    status = models.CharField(
        "статус", max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("попыток сделано", default=0)
    max_attempts = models.PositiveSmallIntegerField(
        "попыток не больше", default=DEFAULT_MAX_ATTEMPTS
    )
    last_error = models.TextField("последняя ошибка", blank=True)
    image = models.FileField("изображение", upload_to=image_path, max_length=255, blank=True)
    thumbnail = models.FileField("миниатюра", upload_to=image_path, max_length=255, blank=True)
    # Scheme and host links are built from: PUBLIC_BASE_URL or the queuing request's.
    origin = models.CharField("адрес сервиса", max_length=200, blank=True)

    # Pipeline bookkeeping (see steps.py): the token of the one message the task waits
    # for, the time by which that message must have run, and how often the sweeper resumed it.
    step_token = models.PositiveIntegerField("номер шага", default=0)
    deadline_at = models.DateTimeField("ждём шаг до", null=True, blank=True)
    recoveries = models.PositiveSmallIntegerField("восстановлений", default=0)
    # The prompt is a draft from the built-in enricher (a chat's final answer never waits
    # on the LLM); the worker's first step enriches it and re-assembles (steps.ENRICH).
    enrich_first = models.BooleanField("промпт дополняется", default=False)

    # A poster (a chat's result): the provider draws the background at `width`×`height`,
    # the nearest size it can; the pipeline fits it to the format and typesets the text.
    # `poster_canvas` keeps the format's size and safe zone as they were when asked.
    poster_format = models.ForeignKey(
        "design.Format",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generation_tasks",
        verbose_name="формат",
    )
    poster_canvas = models.JSONField("холст постера", default=dict, blank=True)
    poster_text = models.JSONField("текст постера", default=dict, blank=True)
    poster_layout = models.JSONField("вёрстка постера", default=dict, blank=True)
    background = models.FileField("фон", upload_to=image_path, max_length=255, blank=True)

    # Variants (see variants.py): a brief asked for several images runs none itself; each
    # variant is a task of its own (`brief`, `variant_number`) with its own seed and chain
    # of attempts. The brief shows its chosen variant: the files are the chosen one's.
    has_variants = models.BooleanField("с вариантами", default=False)
    variants_asked = models.PositiveSmallIntegerField("вариантов заказано", default=1)
    brief = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="variants",
        verbose_name="задача с вариантами",
    )
    variant_number = models.PositiveSmallIntegerField("номер варианта", null=True, blank=True)
    varied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="похожий на вариант",
    )
    chosen_variant = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="выбранный вариант",
    )
    chosen_by_user = models.BooleanField("выбран пользователем", default=False)
    seed = models.PositiveIntegerField("зерно", default=0)
    # The brief's visual style in its own words («акварель», «аниме»…): a provider with
    # style presets (Fusion Brain) picks the nearest one.
    style_hint = models.CharField("стиль", max_length=200, blank=True)
    score = models.FloatField("оценка качества", null=True, blank=True)
    # What this task costs its owner's monthly quota, in provider images (quotas.py): one
    # per task or variant the user asked for, none for our own regenerations.
    images_charged = models.PositiveSmallIntegerField("изображений в счёт лимита", default=1)

    created_at = models.DateTimeField("создана", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "задача генерации"
        verbose_name_plural = "задачи генерации"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_attempts__gte=MIN_ATTEMPTS, max_attempts__lte=MAX_ATTEMPTS),
                name="generation_task_max_attempts_range",
            ),
            models.CheckConstraint(
                condition=Q(attempts__lte=F("max_attempts")),
                name="generation_task_attempts_within_max",
            ),
            models.CheckConstraint(
                condition=Q(width__gt=0, height__gt=0), name="generation_task_size_positive"
            ),
            _at_most("prompt", MAX_PROMPT_CHARS, "generation_task_prompt_max_length"),
            _at_most("negative_prompt", MAX_PROMPT_CHARS, "generation_task_negative_max_length"),
            models.UniqueConstraint(
                fields=["brief", "variant_number"],
                condition=Q(brief__isnull=False),
                name="generation_variant_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="generation_owner_list_idx"),
            models.Index(fields=["status", "deadline_at"], name="generation_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_variant(self) -> bool:
        return self.brief_id is not None

    def show(self, variant: "GenerationTask") -> None:
        """This brief shows `variant` from now on: its files, layout, text and score are the
        brief's, so downloads, share links and the API serve them unchanged."""
        self.chosen_variant = variant
        self.image, self.thumbnail = variant.image.name, variant.thumbnail.name
        self.background = variant.background.name
        self.poster_layout, self.poster_text = variant.poster_layout, variant.poster_text
        self.score = variant.score

    @property
    def duration(self) -> timedelta | None:
        if self.finished_at is None:
            return None
        return self.finished_at - (self.started_at or self.created_at)


class GenerationAttempt(models.Model):
    task = models.ForeignKey(
        GenerationTask,
        on_delete=models.CASCADE,
        related_name="attempt_set",
        verbose_name="задача",
    )
    number = models.PositiveSmallIntegerField("номер")
    prompt = models.CharField("промпт попытки", max_length=MAX_PROMPT_CHARS)
    # Who drew it: the provider's name and model at the time (admins compare them; the
    # providers' health is read from these rows).
    provider = models.CharField("провайдер", max_length=32, blank=True)
    model = models.CharField("модель", max_length=100, blank=True)
    provider_job_id = models.CharField("задание у провайдера", max_length=100, blank=True)
    status = models.CharField(
        "статус", max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    image = models.FileField("изображение", upload_to=image_path, max_length=255, blank=True)
    thumbnail = models.FileField("миниатюра", upload_to=image_path, max_length=255, blank=True)
    quality_report = models.JSONField("проверки качества", null=True, blank=True)
    error = models.TextField("ошибка", blank=True)
    # Retryable provider errors met by this attempt so far (queue full, 429, 5xx, timeouts).
    provider_retries = models.PositiveSmallIntegerField("повторов запроса", default=0)
    # The provider's answer as received, saved before anything else is done with it:
    # Fusion Brain hands an image out once, so a step that dies after reading it must
    # find it here when redelivered instead of asking again (see pipeline.run_poll).
    raw_image = models.FileField(
        "ответ провайдера", upload_to=image_path, max_length=255, blank=True
    )
    raw_censored = models.BooleanField("ответ скрыт цензурой", default=False)
    # Jobs of this attempt that could no longer be read (the answer was lost on the way) and
    # were started again with the same prompt; they do not count as failed attempts.
    lost_jobs = models.PositiveSmallIntegerField("потерянных заданий", default=0)
    # `run` calls that timed out: each may have left a job at the provider nobody polls.
    orphaned_runs = models.PositiveSmallIntegerField("запусков без ответа", default=0)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    submitted_at = models.DateTimeField("принята провайдером", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)

    class Meta:
        ordering = ["task", "number"]
        indexes = [
            models.Index(fields=["provider", "-finished_at"], name="generation_attempt_health_idx")
        ]
        verbose_name = "попытка генерации"
        verbose_name_plural = "попытки генерации"
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="generation_attempt_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="generation_attempt_number_positive"
            ),
            _at_most("prompt", MAX_PROMPT_CHARS, "generation_attempt_prompt_max_length"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} № {self.number} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_ATTEMPT_STATUSES

    @property
    def failed_checks(self) -> list[str]:
        """Names of the checks this attempt failed: what the next prompt must fix."""
        report = self.quality_report or {}
        return [c["name"] for c in report.get("checks", []) if not c.get("passed")]

    @property
    def duration(self) -> timedelta | None:
        if self.finished_at is None:
            return None
        return self.finished_at - (self.submitted_at or self.created_at)


class ShareLink(models.Model):
    """One link made by `share/`. Its id is inside the signature, so the link can be
    revoked: a signed download opens only while this row is live (not revoked, not
    expired, its task's owner and its maker active). Deleting the task or a user deletes
    the row, and with it every link it stood for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(
        GenerationTask,
        on_delete=models.CASCADE,
        related_name="share_links",
        verbose_name="задача",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="кто поделился",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    expires_at = models.DateTimeField("действует до")
    revoked_at = models.DateTimeField("отозвана", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "ссылка на изображение"
        verbose_name_plural = "ссылки на изображения"
        indexes = [models.Index(fields=["task", "-created_at"], name="generation_share_task_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.pk}"
