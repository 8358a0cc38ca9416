from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from contentum.common.admin import ModelAdmin, ReadOnlyMixin, RussianNoun
from contentum.common.exceptions import ApplicationError
from contentum.prompts import selectors, services, templating
from contentum.prompts.models import (
    PromptHistory,
    PromptParameters,
    PromptTemplate,
    PromptTemplateRevision,
)
from contentum.questionnaire.models import Question

EDITABLE = ("name", "template", "negative_template")
PLACEHOLDER_HELP = "Подстановки пишутся в фигурных скобках: {event_name}"


def placeholder_descriptions() -> list[tuple[str, str]]:
    """Each placeholder a template may use now, with what it holds: a question key with its
    question's text, a derived name with its description (templating.DERIVED_PLACEHOLDERS).
    Two queries, whatever the number of questions."""
    allowed = templating.allowed_placeholders(selectors.scenario_keys())
    texts = dict(Question.objects.filter(scenario__is_active=True).values_list("key", "text"))
    return [
        (name, texts.get(name) or templating.DERIVED_PLACEHOLDERS.get(name, "")) for name in allowed
    ]


class RevisionInline(ReadOnlyMixin, admin.TabularInline):
    model = PromptTemplateRevision
    fields = ["number", "body", "negative_body", "author", "created_at"]
    readonly_fields = fields
    extra = 0
    ordering = ["-number"]


class PromptTemplateForm(forms.ModelForm):
    """Same placeholder rules as the API, shown as form errors."""

    class Meta:
        model = PromptTemplate
        fields = list(EDITABLE)
        help_texts = {"template": PLACEHOLDER_HELP, "negative_template": PLACEHOLDER_HELP}

    def _checked(self, field: str) -> str:
        body = self.cleaned_data.get(field) or ""
        allowed = templating.allowed_placeholders(selectors.scenario_keys())
        problems = templating.template_errors(body, allowed=allowed)
        if problems:
            raise forms.ValidationError(problems)
        return body

    def clean_template(self) -> str:
        return self._checked("template")

    def clean_negative_template(self) -> str:
        return self._checked("negative_template")


@admin.register(PromptTemplate)
class PromptTemplateAdmin(ModelAdmin):
    noun = RussianNoun("шаблон промпта", "шаблона промпта", "шаблонов промпта", "шаблоны промпта")
    form = PromptTemplateForm
    list_display = ["name", "is_active", "revision", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "template"]
    fields = [
        *EDITABLE,
        "available_placeholders",
        "is_active",
        "revision",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "available_placeholders",
        "is_active",
        "revision",
        "created_at",
        "updated_at",
    ]
    inlines = [RevisionInline]
    actions = ["activate"]

    @admin.display(description="Доступные подстановки")
    def available_placeholders(self, obj: PromptTemplate | None = None) -> SafeString:
        items = format_html_join(
            "",
            "<li><code>{{{}}}</code> — {}</li>",
            placeholder_descriptions(),
        )
        return format_html('<ul class="placeholders">{}</ul>', items)

    @admin.action(description="Сделать активным")
    def activate(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Выберите ровно один шаблон.", level="error")
            return
        try:
            services.template_activate(actor=request.user, prompt_template=queryset.get())
        except ApplicationError as exc:
            self.message_user(request, exc.message, level="error")

    def save_model(self, request, obj, form, change) -> None:
        # Through the services, so every body edit becomes a revision and is audited.
        fields = {name: form.cleaned_data[name] for name in EDITABLE}
        if change:
            current = PromptTemplate.objects.get(pk=obj.pk)
            saved = services.template_update(
                actor=request.user, prompt_template=current, changes=fields
            )
        else:
            saved = services.template_create(actor=request.user, **fields)
        obj.pk, obj.revision, obj._state.adding = saved.pk, saved.revision, False

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.is_active)

    def delete_model(self, request, obj) -> None:
        services.template_delete(actor=request.user, prompt_template=obj)

    def delete_queryset(self, request, queryset) -> None:
        for template in queryset.filter(is_active=False):
            services.template_delete(actor=request.user, prompt_template=template)


@admin.register(PromptParameters)
class PromptParametersAdmin(ReadOnlyMixin, ModelAdmin):
    noun = RussianNoun(
        "набор параметров", "набора параметров", "наборов параметров", "наборы параметров"
    )
    list_display = ["created_at", "user", "short_data"]
    list_filter = ["created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "data"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in PromptParameters._meta.fields]

    @admin.display(description="ответы")
    def short_data(self, obj: PromptParameters) -> str:
        return "; ".join(f"{k}: {v}" for k, v in obj.data.items() if v)[:120]


@admin.register(PromptHistory)
class PromptHistoryAdmin(ReadOnlyMixin, ModelAdmin):
    noun = RussianNoun(
        "собранный промпт", "собранных промпта", "собранных промптов", "собранные промпты"
    )
    list_display = ["created_at", "user", "template_revision", "short_prompt"]
    list_filter = ["created_at"]
    list_select_related = ["user", "template_revision"]
    search_fields = ["user__email", "assembled_prompt"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in PromptHistory._meta.fields]

    @admin.display(description="промпт")
    def short_prompt(self, obj: PromptHistory) -> str:
        return obj.assembled_prompt[:120]
