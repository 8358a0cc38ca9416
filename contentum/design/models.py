"""Platform formats (canvas sizes with safe zones) and brand kits (colours, fonts, logo)."""

import uuid
from fractions import Fraction

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThan, LessThanOrEqual

from contentum.design.engine import Canvas

MIN_SIDE = 64
MAX_SIDE = 4096
MAX_SAFE_INSET_PCT = 50
# The safe zone keeps at least this share of each dimension for the poster's content.
MAX_SAFE_SUM_PCT = 90
MIN_LOGO_WIDTH_PCT = 5
MAX_LOGO_WIDTH_PCT = 40
MAX_PROMPT_ADDITION_LENGTH = 500
SAFE_FIELDS = ("safe_top_pct", "safe_right_pct", "safe_bottom_pct", "safe_left_pct")


class Platform(models.TextChoices):
    VK = "vk", "ВКонтакте"
    TELEGRAM = "telegram", "Telegram"
    SITE = "site", "Сайт"
    PRINT = "print", "Печать"
    ANY = "any", "Любая площадка"


class LogoCorner(models.TextChoices):
    TOP_LEFT = "top-left", "Вверху слева"
    TOP_RIGHT = "top-right", "Вверху справа"
    BOTTOM_LEFT = "bottom-left", "Внизу слева"
    BOTTOM_RIGHT = "bottom-right", "Внизу справа"


class ColorRole(models.TextChoices):
    PRIMARY = "primary", "Основной"
    ACCENT = "accent", "Акцентный"
    TEXT = "text", "Цвет текста"


def _between(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )


class Format(models.Model):
    """A canvas a poster is composed for: pixel size and the insets platforms cover."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Stable: other records and clients refer to a format by its key.
    key = models.SlugField("ключ", max_length=50, unique=True)
    name = models.CharField("название", max_length=100)
    platform = models.CharField(
        "площадка", max_length=16, choices=Platform.choices, default=Platform.ANY
    )
    width = models.PositiveIntegerField("ширина, px")
    height = models.PositiveIntegerField("высота, px")
    # Margins, in % of the side, that a platform's interface may cover (story captions…).
    safe_top_pct = models.FloatField("безопасная зона сверху, %", default=0)
    safe_right_pct = models.FloatField("безопасная зона справа, %", default=0)
    safe_bottom_pct = models.FloatField("безопасная зона снизу, %", default=0)
    safe_left_pct = models.FloatField("безопасная зона слева, %", default=0)
    is_active = models.BooleanField("доступен", default=True)
    sort_order = models.PositiveIntegerField("порядок", default=0)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        ordering = ["sort_order", "key"]
        verbose_name = "формат"
        verbose_name_plural = "форматы"
        constraints = [
            _between("width", MIN_SIDE, MAX_SIDE, "design_format_width_range"),
            _between("height", MIN_SIDE, MAX_SIDE, "design_format_height_range"),
            *(
                _between(field, 0, MAX_SAFE_INSET_PCT, f"design_format_{field}_range")
                for field in SAFE_FIELDS
            ),
            models.CheckConstraint(
                condition=LessThan(F("safe_top_pct") + F("safe_bottom_pct"), MAX_SAFE_SUM_PCT),
                name="design_format_safe_vertical_room",
            ),
            models.CheckConstraint(
                condition=LessThan(F("safe_left_pct") + F("safe_right_pct"), MAX_SAFE_SUM_PCT),
                name="design_format_safe_horizontal_room",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.width}×{self.height})"

    @property
    def aspect_ratio(self) -> str:
        """The reduced ratio, "9:16" for 1080×1920."""
        reduced = Fraction(self.width, self.height)
        return f"{reduced.numerator}:{reduced.denominator}"

    @property
    def ratio(self) -> float:
        return self.width / self.height

    def canvas(self) -> Canvas:
        return Canvas.from_percent(
            self.width,
            self.height,
            top_pct=self.safe_top_pct,
            right_pct=self.safe_right_pct,
            bottom_pct=self.safe_bottom_pct,
            left_pct=self.safe_left_pct,
        )


class BrandKit(models.Model):
    """Colours, fonts and a logo posters are composed with. At most one is active."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField("название", max_length=100, unique=True)
    is_active = models.BooleanField("активен", default=False)
    # [{"hex": "#rrggbb", "role": "primary" | "accent" | "text"}, ...]
    colors = models.JSONField("цвета", default=list, blank=True)
    # A shipped family key; an uploaded file of the same role takes its place.
    title_font = models.CharField("шрифт заголовка", max_length=40, default="noto-serif")
    body_font = models.CharField("шрифт текста", max_length=40, default="inter")
    # Stored under generated names (never the uploader's) in Django's default storage.
    title_font_file = models.FileField("файл шрифта заголовка", blank=True, max_length=200)
    body_font_file = models.FileField("файл шрифта текста", blank=True, max_length=200)
    logo = models.FileField("логотип", blank=True, max_length=200)
    logo_corner = models.CharField(
        "угол логотипа", max_length=16, choices=LogoCorner.choices, default=LogoCorner.BOTTOM_RIGHT
    )
    logo_width_pct = models.FloatField("ширина логотипа, % ширины", default=18.0)
    style_words = models.TextField("слова стиля", blank=True, max_length=MAX_PROMPT_ADDITION_LENGTH)
    negative_prompt = models.TextField(
        "негативный промпт", blank=True, max_length=MAX_PROMPT_ADDITION_LENGTH
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "фирменный стиль"
        verbose_name_plural = "фирменные стили"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="design_one_active_brand_kit",
            ),
            _between(
                "logo_width_pct",
                MIN_LOGO_WIDTH_PCT,
                MAX_LOGO_WIDTH_PCT,
                "design_brand_kit_logo_width_range",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("style_words"), MAX_PROMPT_ADDITION_LENGTH),
                name="design_brand_kit_style_words_max_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("negative_prompt"), MAX_PROMPT_ADDITION_LENGTH),
                name="design_brand_kit_negative_prompt_max_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name
