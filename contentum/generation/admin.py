"""Django admin for generation tasks: read-only, with previews and cancel/retry actions.

Images are private (no public MEDIA_URL), so previews go through small admin-only views
that stream the files from storage under the admin's session.
"""

from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from contentum.audit.admin import AuditedDeletionsAdmin
from contentum.common.admin import RussianNoun
from contentum.common.exceptions import ApplicationError
from contentum.generation import services
from contentum.generation.models import GenerationAttempt, GenerationTask

KINDS = ("image", "thumbnail")


def _stream(file) -> FileResponse:
    if not file:
        raise Http404("Нет изображения.")
    content_type = "image/webp" if file.name.endswith(".webp") else "image/png"
    return FileResponse(file.storage.open(file.name, "rb"), content_type=content_type)


def _preview(url: str | None, size: int) -> str:
    if not url:
        return "—"
    return format_html(
        '<a href="{}" target="_blank"><img src="{}" width="{}" loading="lazy" alt=""></a>',
        url.replace("/thumbnail/", "/image/"),
        url,
        size,
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AttemptInline(ReadOnlyInline):
    model = GenerationAttempt
    fields = [
        "number",
        "status",
        "preview",
        "prompt",
        "checks",
        "error",
        "provider_job_id",
        "provider_retries",
        "submitted_at",
        "finished_at",
    ]
    readonly_fields = fields
    ordering = ["number"]

    @admin.display(description="изображение")
    def preview(self, attempt: GenerationAttempt) -> str:
        url = None
        if attempt.thumbnail:
            url = reverse("admin:generation_attempt_file", args=[attempt.pk, "thumbnail"])
        return _preview(url, 128)

    @admin.display(description="проверки")
    def checks(self, attempt: GenerationAttempt) -> str:
        report = attempt.quality_report
        if not report:
            return "—"
        failed = attempt.failed_checks
        return "пройдены" if not failed else "не пройдены: " + ", ".join(failed)


class VariantInline(ReadOnlyInline):
    """A brief's variants, each a task of its own (open one for its attempts)."""

    model = GenerationTask
    fk_name = "brief"
    fields = ["variant_link", "status", "preview", "score", "attempts", "seed", "last_error"]
    readonly_fields = fields
    ordering = ["variant_number"]
    verbose_name = "вариант"
    verbose_name_plural = "варианты"

    @admin.display(description="вариант")
    def variant_link(self, task: GenerationTask) -> str:
        url = reverse("admin:generation_generationtask_change", args=[task.pk])
        return format_html('<a href="{}">№ {}</a>', url, task.variant_number)

    @admin.display(description="изображение")
    def preview(self, task: GenerationTask) -> str:
        url = None
        if task.thumbnail:
            url = reverse("admin:generation_task_file", args=[task.pk, "thumbnail"])
        return _preview(url, 128)


@admin.register(GenerationTask)
class GenerationTaskAdmin(AuditedDeletionsAdmin):
    noun = RussianNoun(
        "задачу генерации", "задачи генерации", "задач генерации", "задачи генерации"
    )
    # Fits 1280 px beside the filters: size and attempts share a column, so do the short
    # creation time and the duration.
    list_display = [
        "short_id",
        "preview",
        "owner_email",
        "status",
        "variant_label",
        "size_attempts",
        "provider",
        "created_took",
    ]
    list_display_links = ["short_id"]
    # Only the users who have tasks are offered; the e-mail search covers the rest.
    list_filter = [
        "status",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "has_variants",
        "provider",
        "created_at",
    ]
    search_fields = ["owner__email", "prompt", "last_error"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    inlines = [VariantInline, AttemptInline]
    actions = ["cancel_tasks", "retry_tasks"]
    fieldsets = [
        (None, {"fields": ["id", "owner", "status", "large_preview", "last_error"]}),
        ("Запрос", {"fields": ["prompt", "negative_prompt", "provider", "width", "height"]}),
        ("Попытки", {"fields": ["attempts", "max_attempts", "recoveries"]}),
        (
            "Варианты",
            {
                "fields": [
                    "has_variants",
                    "variants_asked",
                    "chosen_variant",
                    "chosen_by_user",
                    "brief",
                    "variant_number",
                    "varied_from",
                    "seed",
                    "score",
                    "images_charged",
                ]
            },
        ),
        ("Связи", {"fields": ["chat", "prompt_history", "retried_from", "origin"]}),
        ("Файлы", {"fields": ["image", "thumbnail"]}),
        ("Время", {"fields": ["created_at", "started_at", "finished_at", "deadline_at"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        """Without the app menu on the left: at 1280 px it leaves the table ~630 px
        beside the filters; the menu stays one click away (breadcrumbs, «Начало»)."""
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        fields = [name for _, options in self.fieldsets for name in options["fields"]]
        return [*fields, "step_token"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # tasks change through the pipeline and the actions, never by hand

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "file/<uuid:task_id>/<str:kind>/",
                view(self.task_file),
                name="generation_task_file",
            ),
            path(
                "attempt-file/<int:attempt_id>/<str:kind>/",
                view(self.attempt_file),
                name="generation_attempt_file",
            ),
            *super().get_urls(),
        ]

    def task_file(self, request: HttpRequest, task_id, kind: str) -> FileResponse:
        if kind not in KINDS:
            raise Http404
        task = get_object_or_404(GenerationTask, pk=task_id)
        return _stream(getattr(task, kind))

    def attempt_file(self, request: HttpRequest, attempt_id: int, kind: str) -> FileResponse:
        if kind not in KINDS:
            raise Http404
        attempt = get_object_or_404(GenerationAttempt, pk=attempt_id)
        return _stream(getattr(attempt, kind))

    @admin.display(description="id")
    def short_id(self, task: GenerationTask) -> str:
        return str(task.pk)[:8]

    def _thumbnail_url(self, task: GenerationTask) -> str | None:
        if not task.thumbnail:
            return None
        return reverse("admin:generation_task_file", args=[task.pk, "thumbnail"])

    @admin.display(description="превью")
    def preview(self, task: GenerationTask) -> str:
        return _preview(self._thumbnail_url(task), 64)

    @admin.display(description="изображение")
    def large_preview(self, task: GenerationTask) -> str:
        return _preview(self._thumbnail_url(task), 256)

    @admin.display(description="вар.")
    def variant_label(self, task: GenerationTask) -> str:
        if task.brief_id:
            return f"№ {task.variant_number}"
        return str(task.variants_asked) if task.has_variants else "—"

    @admin.display(description="владелец", ordering="owner__email")
    def owner_email(self, task: GenerationTask) -> str:
        """The e-mail, wrapping at its «@» so a long one does not widen the table."""
        local, _, domain = task.owner.email.partition("@")
        return format_html("{}<wbr>@{}", local, domain) if domain else local

    @admin.display(description="размер, поп.", ordering="attempts")
    def size_attempts(self, task: GenerationTask) -> str:
        return format_html(
            "{}×{}<br>{}/{}", task.width, task.height, task.attempts, task.max_attempts
        )

    @admin.display(description="создана, шла", ordering="created_at")
    def created_took(self, task: GenerationTask) -> str:
        created = date_format(timezone.localtime(task.created_at), "d.m.y H:i")
        return format_html("{}<br>{}", created, self.took(task))

    @admin.display(description="длительность")
    def took(self, task: GenerationTask) -> str:
        duration = task.duration
        return f"{duration.total_seconds():.1f} с" if duration is not None else "—"

    def _each(self, request, queryset, action, done: str) -> None:
        count = 0
        for task in queryset:
            try:
                action(actor=request.user, task=task)
                count += 1
            except ApplicationError as exc:
                self.message_user(request, f"{str(task.pk)[:8]}: {exc.message}", level="warning")
        if count:
            self.message_user(request, f"{done}: {count}.")

    @admin.action(description="Отменить выбранные задачи")
    def cancel_tasks(self, request, queryset) -> None:
        self._each(request, queryset, services.generation_task_cancel, "Отменено задач")

    @admin.action(description="Повторить выбранные задачи")
    def retry_tasks(self, request, queryset) -> None:
        self._each(request, queryset, services.generation_task_retry, "Запущено повторов")
