from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet

from contentum.audit.admin import AuditedDeletionsAdmin
from contentum.audit.services import audit_record
from contentum.common.exceptions import ApplicationError
from contentum.questionnaire import services
from contentum.questionnaire.checks import check_active_keys
from contentum.questionnaire.models import Question, Scenario


class QuestionInlineFormSet(BaseInlineFormSet):
    """Applies the service's rules to the edited question list (at least one question,
    unique keys, options for choice questions, and for the active scenario the keys the
    prompt template uses), so the admin cannot save what the API refuses — an empty active
    scenario would leave new chats with nothing to ask."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.check_questions(kept)
        except ApplicationError as exc:
            raise ValidationError(
                [m for messages in exc.errors.values() for m in messages]
            ) from exc
        if self.instance.is_active:
            try:
                check_active_keys([question["key"] for question in kept])
            except ApplicationError as exc:
                raise ValidationError(exc.message) from exc


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionInlineFormSet
    extra = 0
    ordering = ["position"]


@admin.register(Scenario)
class ScenarioAdmin(AuditedDeletionsAdmin):
    list_display = ["name", "is_active", "version", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "description", "questions__key", "questions__text"]
    readonly_fields = ["is_active", "version", "created_at", "updated_at"]
    inlines = [QuestionInline]
    actions = ["activate"]

    @admin.action(description="Сделать активным")
    def activate(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Выберите ровно один сценарий.", level="error")
            return
        try:
            services.scenario_activate(actor=request.user, scenario=queryset.get())
        except ApplicationError as exc:
            self.message_user(request, exc.message, level="error")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            # Chats keep their own copy of the questions; the version tells edits apart.
            Scenario.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)
        audit_record(
            action="scenario.updated" if change else "scenario.created",
            actor=request.user,
            target=form.instance,
            details={"via": "admin"},
        )
