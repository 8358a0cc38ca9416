from django.contrib import admin
from django.db.models import F

from contentum.common.exceptions import ApplicationError
from contentum.questionnaire import services
from contentum.questionnaire.models import Question, Scenario


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    ordering = ["position"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
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
