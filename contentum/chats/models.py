import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ChatStatus(models.TextChoices):
    COLLECTING = "COLLECTING", "Сбор ответов"
    GENERATING = "GENERATING", "Генерация"
    COMPLETED = "COMPLETED", "Готово"
    FAILED = "FAILED", "Ошибка"


class MessageType(models.TextChoices):
    SYSTEM = "SYSTEM", "Система"
    USER = "USER", "Пользователь"


class MessageKind(models.TextChoices):
    QUESTION = "question", "Вопрос"
    ANSWER = "answer", "Ответ"
    NOTICE = "notice", "Уведомление"
    FLOW_COMPLETED = "flow_completed", "Ответы собраны"
    GENERATION_STARTED = "generation_started", "Генерация запущена"
    GENERATION_SUCCEEDED = "generation_succeeded", "Генерация завершена"
    GENERATION_FAILED = "generation_failed", "Генерация не удалась"


class Chat(models.Model):
    """One guided conversation. Only COLLECTING counts as unfinished."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chats",
        verbose_name="пользователь",
    )
    title = models.CharField("название", max_length=255)
    status = models.CharField(
        "статус",
        max_length=16,
        choices=ChatStatus.choices,
        default=ChatStatus.COLLECTING,
        db_index=True,
    )
    is_active = models.BooleanField("не удалён", default=True)
    # Temporary until the first answer; the expiry job deletes it after `expires_at`.
    is_temporary = models.BooleanField("временный", default=True)
    expires_at = models.DateTimeField("удалить после", null=True, blank=True)
    scenario = models.ForeignKey(
        "questionnaire.Scenario",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="сценарий",
    )
    scenario_version = models.PositiveIntegerField("версия сценария", default=1)
    # The questions as they were when the chat started: an admin's edit never breaks it.
    questions = models.JSONField("вопросы", default=list)
    answers = models.JSONField("ответы", default=dict, blank=True)
    flow_step = models.PositiveIntegerField("отвечено вопросов", default=0)
    prompt_parameters = models.ForeignKey(
        "prompts.PromptParameters",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chats",
        verbose_name="параметры промпта",
    )
    # Kept by the services that add messages, so lists need no COUNT or subquery per chat.
    message_count = models.PositiveIntegerField("сообщений", default=0)
    last_message = models.ForeignKey(
        "chats.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="последнее сообщение",
    )
    created_at = models.DateTimeField("создан", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("изменён", auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "чат"
        verbose_name_plural = "чаты"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="COLLECTING", is_active=True),
                name="chats_one_unfinished_chat_per_user",
            )
        ]
        indexes = [
            models.Index(fields=["is_temporary", "expires_at"], name="chats_expiry_idx"),
            models.Index(fields=["user", "is_active", "-created_at"], name="chats_user_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def total_steps(self) -> int:
        return len(self.questions)

    @property
    def current_question(self) -> dict | None:
        if self.status != ChatStatus.COLLECTING or self.flow_step >= len(self.questions):
            return None
        return self.questions[self.flow_step]


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chat = models.ForeignKey(
        Chat, on_delete=models.CASCADE, related_name="messages", verbose_name="чат"
    )
    # Position in the chat: messages written in one transaction share a timestamp.
    seq = models.PositiveIntegerField("номер")
    message_type = models.CharField("автор", max_length=8, choices=MessageType.choices)
    kind = models.CharField("вид", max_length=32, choices=MessageKind.choices)
    content = models.TextField("текст")
    payload = models.JSONField("данные", default=dict, blank=True)
    withdrawn = models.BooleanField("отозван", default=False)
    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["chat", "seq"]
        verbose_name = "сообщение"
        verbose_name_plural = "сообщения"
        constraints = [
            models.UniqueConstraint(fields=["chat", "seq"], name="chats_message_seq_unique")
        ]
        indexes = [models.Index(fields=["-created_at", "-seq"], name="chats_message_recent_idx")]

    def __str__(self) -> str:
        return self.content[:60]
