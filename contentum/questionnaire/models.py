"""The questionnaire is data: admins edit scenarios and their questions, code only reads them."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

# A question key is also a prompt template placeholder (`{key}`): an identifier.
KEY_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
KEY_MESSAGE = "Ключ — латинские буквы, цифры и «_», не с цифры (он же плейсхолдер {ключ})."
validate_key = RegexValidator(rf"^{KEY_PATTERN}\Z", KEY_MESSAGE)


# Choice questions whose options are not stored but computed when the question is asked
# (from earlier answers or settings): `format` offers the formats of the platform answered
# before it, `variant_count` 1 … GENERATION_VARIANTS_MAX. Options and a default stored for
# them are ignored.
COMPUTED_OPTIONS_KEYS = frozenset({"format", "variant_count"})


class QuestionKind(models.TextChoices):
    TEXT = "text", "Свободный текст"
    CHOICE = "choice", "Выбор из вариантов"


class Scenario(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField("название", max_length=200, unique=True)
    description = models.TextField("описание", blank=True)
    is_active = models.BooleanField("активен", default=False)
    # Bumped on every edit of the scenario or its questions; chats record the one they used.
    version = models.PositiveIntegerField("версия", default=1)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "сценарий"
        verbose_name_plural = "сценарии"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="questionnaire_one_active_scenario",
            )
        ]

    def __str__(self) -> str:
        return self.name


# What an admin edits in a question (everything but its scenario and position).
QUESTION_FIELDS = (
    "key",
    "text",
    "kind",
    "options",
    "allow_free_answer",
    "optional",
    "min_length",
    "max_length",
    "default_value",
)


class Question(models.Model):
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="questions", verbose_name="сценарий"
    )
    position = models.PositiveIntegerField("порядок")
    key = models.SlugField("ключ", max_length=64, validators=[validate_key])
    text = models.TextField("текст вопроса", max_length=1000)
    kind = models.CharField(
        "тип", max_length=16, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    options = models.JSONField("варианты ответа", default=list, blank=True)
    allow_free_answer = models.BooleanField("можно ответить своими словами", default=True)
    optional = models.BooleanField("необязательный", default=False)
    min_length = models.PositiveIntegerField(
        "мин. длина", default=1, validators=[MinValueValidator(0), MaxValueValidator(2000)]
    )
    max_length = models.PositiveIntegerField(
        "макс. длина", default=500, validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    default_value = models.CharField("значение по умолчанию", max_length=500, blank=True)

    class Meta:
        ordering = ["scenario", "position"]
        verbose_name = "вопрос"
        verbose_name_plural = "вопросы"
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "key"], name="questionnaire_key_unique_in_scenario"
            ),
            models.UniqueConstraint(
                fields=["scenario", "position"], name="questionnaire_position_unique_in_scenario"
            ),
            models.CheckConstraint(
                condition=Q(min_length__lte=models.F("max_length")), name="questionnaire_min_le_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario.name}: {self.key}"

    def snapshot(self) -> dict:
        """What a chat keeps of this question, so later edits never change a running chat."""
        return {
            "key": self.key,
            "text": self.text,
            "kind": self.kind,
            "options": list(self.options or []),
            "allow_free_answer": self.allow_free_answer,
            "optional": self.optional,
            "min_length": self.min_length,
            "max_length": self.max_length,
            "default": self.default_value,
        }
