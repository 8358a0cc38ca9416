"""The Django admin's pages in proper Russian.

Django's admin puts a model's nominative `verbose_name` into phrases that Russian needs
in another case or number: «Выберите задача генерации», «Добавить пользователь»,
«2 пользователи». Every model admin of ours derives from `ModelAdmin` below and names its
noun's other forms once (`RussianNoun`); the titles, the counts under the list, the add
button, the delete pages and the bulk delete action take them from there. The few phrases
that cannot take an inflected noun (the "saved" messages) are reworded in our own
catalog, contentum/locale/ru, which also translates third-party labels.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

SITE_HEADER = "Contentum — администрирование"
SITE_TITLE = "Contentum"
INDEX_TITLE = "Управление"


@dataclass(frozen=True)
class RussianNoun:
    """The forms of a model's name the admin's phrases need, besides the nominative
    `verbose_name` / `verbose_name_plural` of the model itself."""

    accusative: str  # выберите / добавить / изменить / удалить — кого? что?
    genitive: str  # 2, 3, 4 …
    genitive_plural: str  # 0, 5 … 20 …
    accusative_plural: str  # удалить — кого? что? (пользователей, чаты)
    animate: bool = False  # «выбранных пользователей», but «выбранные чаты»

    def selected(self, count: int) -> str:
        """What a bulk action acts on: «выбранного пользователя», «выбранные чаты»."""
        if count == 1:
            return self.accusative
        return f"{'выбранных' if self.animate else 'выбранные'} {self.accusative_plural}"


def plural_form(count: int, one: str, few: str, many: str) -> str:
    """Russian picks the form by the last two digits: 1, 21 → one; 2–4, 22–24 → few;
    0, 5–20, 25–30 → many."""
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many


def counted(count: int, noun: RussianNoun, one: str) -> str:
    """«1 пользователь», «3 пользователя», «11 пользователей»."""
    return f"{count} {plural_form(count, one, noun.genitive, noun.genitive_plural)}"


class ModelAdmin(admin.ModelAdmin):
    """A model admin whose pages speak grammatical Russian about its model."""

    noun: RussianNoun  # every subclass names its forms; a test renders every page

    def _purpose(self, request: HttpRequest) -> str:
        return "изменения" if self.has_change_permission(request) else "просмотра"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "title": f"Выберите {self.noun.accusative} для {self._purpose(request)}",
            "add_label": f"Добавить {self.noun.accusative}",
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"title": f"Добавить {self.noun.accusative}", **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Whether the page edits or only shows is the model's rule, not the object's:
        no admin of ours grants change per object."""
        verb = "Изменить" if self.has_change_permission(request) else "Просмотреть"
        context = {"title": f"{verb} {self.noun.accusative}", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # «Вы уверены, что хотите удалить пользователя "…"?»
        context = {"object_name": self.noun.accusative, **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, _description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected, name, f"Удалить {self.noun.selected(2)}")
        return actions

    def result_count_text(self, count: int) -> str:
        """The count under the list: «3 чата»."""
        return counted(count, self.noun, str(self.opts.verbose_name))


class ReadOnlyMixin:
    """For a model admin that only shows: nothing is added, changed or deleted through it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def delete_selected(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Django's bulk delete, with the confirmation asking about «выбранных пользователей»
    in the accusative; deleting and its audit rows are Django's and `log_deletions`'."""
    response = django_delete_selected(modeladmin, request, queryset)
    context = getattr(response, "context_data", None)
    if context is not None and "objects_name" in context:
        context["objects_name"] = modeladmin.noun.selected(len(queryset))
    return response
