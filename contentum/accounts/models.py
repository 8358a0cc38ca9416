import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "ADMIN", "Администратор"
    EMPLOYEE = "EMPLOYEE", "Сотрудник"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields["role"] = Role.ADMIN
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """A Contentum account. The role alone decides admin rights (API and Django admin)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email", max_length=254, unique=True)
    full_name = models.CharField("полное имя", max_length=255)
    role = models.CharField("роль", max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    is_active = models.BooleanField("активен", default=True)
    date_joined = models.DateTimeField("дата регистрации", default=timezone.now, db_index=True)
    # Empty only while a self-registered account waits for an admin (REGISTRATION_MODE=
    # approval): that, not `is_active`, tells "pending" from "deactivated by an admin".
    approved_at = models.DateTimeField(
        "подтверждён", null=True, blank=True, default=timezone.now, db_index=True
    )
    # Provider images a month for this account; empty: GENERATION_MONTHLY_QUOTA for all.
    monthly_image_quota = models.PositiveIntegerField("изображений в месяц", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["-date_joined"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending_approval(self) -> bool:
        return self.approved_at is None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    # The Django admin asks for these; they follow the role so there is one rule.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email


class AdminLoginLink(models.Model):
    """A one-time link from the web client into the Django admin (accounts/admin_links.py).

    Only the SHA-256 of the link's token is stored: a copy of this table opens nothing.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="admin_login_links",
        verbose_name="пользователь",
    )
    token_hash = models.CharField("хеш токена", max_length=64, unique=True)
    created_at = models.DateTimeField("создана", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    used_at = models.DateTimeField("использована", null=True, blank=True)

    class Meta:
        verbose_name = "ссылка для входа в панель администратора"
        verbose_name_plural = "ссылки для входа в панель администратора"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} до {self.expires_at:%Y-%m-%d %H:%M:%S}"
