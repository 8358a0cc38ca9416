from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from rest_framework import serializers

from contentum.audit.admin import AuditedDeletionsAdmin
from contentum.audit.services import audit_record
from contentum.common.admin import RussianNoun
from contentum.common.exceptions import ApplicationError
from contentum.questionnaire import services
from contentum.questionnaire.checks import check_active_keys
from contentum.questionnaire.models import QUESTION_FIELDS, Question, Scenario
from contentum.questionnaire.serializers import QuestionInputSerializer

# The API's rules for one list of options (how many, how long each, safe text): the admin
# checks the same field rather than repeating its limits.
OPTIONS_RULES = QuestionInputSerializer().fields["options"]


def option_list_errors(options: list[str]) -> list[str]:
    """Why the API's field would refuse `options` (how many, how long), in Russian; repeats
    are the service's rule (`services.check_questions`), checked with the whole list."""
    problems = []
    limit = OPTIONS_RULES.max_length
    if limit is not None and len(options) > limit:
        problems.append(f"Вариантов больше {limit} ({len(options)}).")
    for option in options:
        try:
            OPTIONS_RULES.child.run_validation(option)
        except serializers.ValidationError as exc:
            for detail in exc.detail:
                if getattr(detail, "code", None) == "max_length":
                    longest = OPTIONS_RULES.child.max_length
                    problems.append(
                        f"Вариант «{option[:40]}…» длиннее {longest} символов ({len(option)})."
                    )
                else:
                    problems.append(f"Вариант «{option[:40]}»: {detail}")
    return problems


class OptionLinesField(forms.CharField):
    """A list of strings edited as text, one item per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        problems = option_list_errors(value)
        if problems:
            raise ValidationError(problems)

    def run_validators(self, value: list[str]) -> None:
        # CharField's validators (max_length, NUL) are for one string; each line is checked
        # in `validate` by the API's own rules.
        return None


class QuestionForm(forms.ModelForm):
    options = OptionLinesField(
        label="Варианты ответа",
        required=False,
        help_text="По одному варианту в строке",
    )

    class Meta:
        model = Question
        fields = ["position", *QUESTION_FIELDS]


class QuestionInlineFormSet(BaseInlineFormSet):
    """Applies the service's rules to the edited question list (at least one question,
    unique keys, options for choice questions, and for the active scenario the keys the
    prompt template uses), so the admin cannot save what the API refuses — an empty active
    scenario would leave new chats with nothing to ask."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return  # the rows say what is wrong first; the list is checked once they are fixed
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
    form = QuestionForm
    formset = QuestionInlineFormSet
    extra = 0
    ordering = ["position"]


@admin.register(Scenario)
class ScenarioAdmin(AuditedDeletionsAdmin):
    noun = RussianNoun("сценарий", "сценария", "сценариев", "сценарии")
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
