"""Installs the default poster formats. Their keys are stable: code and clients use them."""

from django.db import migrations

# key, name, platform, width, height, safe insets % (top, right, bottom, left)
DEFAULT_FORMATS = [
    ("square", "Квадрат 1:1 (VK, Telegram)", "any", 1080, 1080, (0, 0, 0, 0)),
    ("post-4x5", "Пост 4:5", "any", 1080, 1350, (0, 0, 0, 0)),
    # Stories and clips: the platform's header covers the top, captions and buttons the bottom.
    ("story", "Истории / клипы 9:16", "any", 1080, 1920, (14, 0, 20, 0)),
    ("landscape-hd", "Telegram / сайт 16:9", "any", 1280, 720, (0, 0, 0, 0)),
    ("landscape-fullhd", "Telegram / сайт 16:9, Full HD", "any", 1920, 1080, (0, 0, 0, 0)),
    ("vk-cover", "Обложка сообщества VK", "vk", 1590, 400, (0, 0, 0, 0)),
    ("print-a3", "Печатная афиша A3, 150 dpi", "print", 1754, 2480, (0, 0, 0, 0)),
]


def install(apps, schema_editor):
    Format = apps.get_model("design", "Format")
    for order, (key, name, platform, width, height, safe) in enumerate(DEFAULT_FORMATS, 1):
        top, right, bottom, left = safe
        Format.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "platform": platform,
                "width": width,
                "height": height,
                "safe_top_pct": top,
                "safe_right_pct": right,
                "safe_bottom_pct": bottom,
                "safe_left_pct": left,
                "sort_order": order * 10,
            },
        )


def remove(apps, schema_editor):
    Format = apps.get_model("design", "Format")
    Format.objects.filter(key__in=[row[0] for row in DEFAULT_FORMATS]).delete()


class Migration(migrations.Migration):
    dependencies = [("design", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
