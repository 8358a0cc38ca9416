"""Installs the default Russian template for Kandinsky-style prompts (revision 1), active.

Each line is left out when its placeholders are empty, so a skipped answer leaves no trace.
"""

from django.db import migrations

NAME = "Маркетинговое изображение (Kandinsky)"

TEMPLATE = """{idea}
Событие: {event_info}, {mood_hint}
В центре композиции: {composition_focus}
Стиль: {visual_style}, {style_hint}
Цветовая гамма: {color_palette}, {palette_hint}
Образы и детали: {visual_associations}
{format_hint}
Качественное рекламное изображение: высокая детализация, выразительный свет, продуманная композиция"""

NEGATIVE_TEMPLATE = (
    "размытое изображение, низкое качество, шум, артефакты сжатия, искажённые пропорции, "
    "деформированные лица и руки, лишние пальцы, обрезанные объекты, текст, надписи, буквы, "
    "водяные знаки, логотипы"
)


def install(apps, schema_editor):
    PromptTemplate = apps.get_model("prompts", "PromptTemplate")
    PromptTemplateRevision = apps.get_model("prompts", "PromptTemplateRevision")
    if PromptTemplate.objects.filter(is_active=True).exists():
        return
    template = PromptTemplate.objects.create(
        name=NAME, template=TEMPLATE, negative_template=NEGATIVE_TEMPLATE, is_active=True, revision=1
    )
    PromptTemplateRevision.objects.create(
        template=template,
        template_name=NAME,
        number=1,
        body=TEMPLATE,
        negative_body=NEGATIVE_TEMPLATE,
    )


def remove(apps, schema_editor):
    PromptTemplate = apps.get_model("prompts", "PromptTemplate")
    PromptTemplateRevision = apps.get_model("prompts", "PromptTemplateRevision")
    PromptTemplateRevision.objects.filter(template__name=NAME, history__isnull=True).delete()
    PromptTemplate.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("prompts", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
