"""Prompt templates (with their revisions), parameter sets and the prompts assembled from them."""

import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

MAX_TEMPLATE_LENGTH = 10_000
MAX_PROMPT_LENGTH = 1000  # Kandinsky's `generateParams.query` limit


class UnicodeJSONEncoder(json.JSONEncoder):
    """Stores Cyrillic as is, so `search=` finds answers on SQLite too (not `\\u043a…`)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def _at_most(field: str, limit: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


class PromptTemplate(models.Model):
    """A prompt with `{placeholders}`. Exactly one is active; each body edit is a new revision."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField("название", max_length=200, unique=True)
    template = models.TextField("шаблон промпта")
    negative_template = models.TextField("шаблон негативного промпта", blank=True)
    is_active = models.BooleanField("активен", default=False)
    # The number of the newest revision; history rows point at the revision itself.
    revision = models.PositiveIntegerField("ревизия", default=1)
    created_at = models.DateTimeField("создан", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "шаблон промпта"
        verbose_name_plural = "шаблоны промптов"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="prompts_one_active_template",
            ),
            _at_most("template", MAX_TEMPLATE_LENGTH, "prompts_template_max_length"),
            _at_most("negative_template", MAX_TEMPLATE_LENGTH, "prompts_negative_max_length"),
        ]

    def __str__(self) -> str:
        return self.name


class PromptTemplateRevision(models.Model):
    """The exact bodies of a template at one point in time. Never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Revisions that history points at outlive their template (the link becomes empty).
    template = models.ForeignKey(
        PromptTemplate,
        null=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
        verbose_name="шаблон",
    )
    template_name = models.CharField("название шаблона", max_length=200)
    number = models.PositiveIntegerField("номер")
    body = models.TextField("шаблон промпта")
    negative_body = models.TextField("шаблон негативного промпта", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="автор",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "ревизия шаблона"
        verbose_name_plural = "ревизии шаблона"
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="prompts_revision_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_name} — ревизия {self.number}"


class PromptParameters(models.Model):
    """A user's answers, kept verbatim, next to what enrichment made of them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="prompt_parameters",
        verbose_name="пользователь",
    )
    # {question key: answer} exactly as the user gave them.
    data = models.JSONField("ответы", default=dict, encoder=UnicodeJSONEncoder)
    # {question key: expanded text} for the answers enrichment expanded.
    enriched = models.JSONField("обогащённые ответы", default=dict, encoder=UnicodeJSONEncoder)
    # {question key: {"enricher": name, "fallback_from"?: name, "reason"?: why}}.
    enrichment = models.JSONField("как обогащали", default=dict, encoder=UnicodeJSONEncoder)
    # {term: weight}, L2-normalised; see `contentum.prompts.semantic`.
    semantic_vector = models.JSONField(
        "семантический вектор", default=dict, encoder=UnicodeJSONEncoder
    )
    created_at = models.DateTimeField("создан", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "набор параметров"
        verbose_name_plural = "наборы параметров"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def values(self) -> dict[str, str]:
        """What fills a template: the answers, with enriched texts in place of short ones."""
        return {**self.data, **self.enriched}

    @property
    def aspect_ratio(self) -> str:
        return str(self.data.get("aspect_ratio") or "")


class PromptHistory(models.Model):
    """One assembled prompt: from which parameters, by which template revision, with what values."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="prompt_history",
        verbose_name="пользователь",
    )
    # Empty when the prompt was assembled from inline parameters (not a stored set).
    parameters = models.ForeignKey(
        PromptParameters,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="history",
        verbose_name="параметры",
    )
    template_revision = models.ForeignKey(
        PromptTemplateRevision,
        on_delete=models.PROTECT,
        related_name="history",
        verbose_name="ревизия шаблона",
    )
    # Every placeholder value used, derived ones included, so the prompt can be explained.
    values = models.JSONField("значения подстановок", default=dict, encoder=UnicodeJSONEncoder)
    assembled_prompt = models.CharField("промпт", max_length=MAX_PROMPT_LENGTH)
    negative_prompt = models.CharField(
        "негативный промпт", max_length=MAX_PROMPT_LENGTH, blank=True
    )
    created_at = models.DateTimeField("создан", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "собранный промпт"
        verbose_name_plural = "история промптов"
        constraints = [
            _at_most("assembled_prompt", MAX_PROMPT_LENGTH, "prompts_history_prompt_max_length"),
            _at_most("negative_prompt", MAX_PROMPT_LENGTH, "prompts_history_negative_max_length"),
        ]

    def __str__(self) -> str:
        return self.assembled_prompt[:80]

    @property
    def aspect_ratio(self) -> str:
        return str(self.values.get("aspect_ratio") or "")
