import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from contentum.audit.labels import action_label


class AuditAction(models.TextChoices):
    USER_REGISTERED = "user.registered", "Регистрация"
    LOGIN_SUCCEEDED = "auth.login_succeeded", "Успешный вход"
    LOGIN_FAILED = "auth.login_failed", "Неудачный вход"
    LOGGED_OUT = "auth.logged_out", "Выход"
    ADMIN_LINK_ISSUED = "auth.admin_link_issued", "Выдана ссылка для входа в панель администратора"
    USER_ROLE_CHANGED = "user.role_changed", "Смена роли"
    USER_ACTIVATION_CHANGED = "user.activation_changed", "Включение/отключение"
    USER_UPDATED = "user.updated", "Изменение пользователя"


class AuditLog(models.Model):
    """One row per event. Never updated: a record of what happened, by whom, from where."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="кто",
    )
    # Kept even when the actor is gone, and for failed logins that have no actor.
    actor_email = models.CharField("email", max_length=254, blank=True)
    action = models.CharField("действие", max_length=64, db_index=True)
    target_type = models.CharField("тип объекта", max_length=64, blank=True)
    target_id = models.CharField("id объекта", max_length=64, blank=True, db_index=True)
    details = models.JSONField("подробности", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("адрес", null=True, blank=True)
    user_agent = models.CharField("браузер или клиент", max_length=512, blank=True)
    created_at = models.DateTimeField("время", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "запись аудита"
        verbose_name_plural = "журнал аудита"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        """How the admin names a row: the time, the event in words and who did it."""
        moment = timezone.localtime(self.created_at) if self.created_at else None
        parts = [f"{moment:%d.%m.%Y %H:%M:%S}" if moment else "", action_label(self.action)]
        return " — ".join(part for part in (*parts, self.actor_email) if part)
