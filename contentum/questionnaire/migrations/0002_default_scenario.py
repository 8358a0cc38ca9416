"""Installs the default questionnaire (the seed's later versions), as an active scenario."""

from django.db import migrations

DEFAULT_QUESTIONS = [
    {
        "key": "idea",
        "text": "Какая идея у изображения? Опишите в нескольких словах, что нужно показать и зачем.",
        "min_length": 3,
        "max_length": 500,
    },
    {
        "key": "event_name",
        "text": "Как называется событие, продукт или повод?",
        "min_length": 2,
        "max_length": 200,
    },
    {
        "key": "event_genre",
        "text": "К какому жанру или типу относится событие? Выберите вариант или напишите свой.",
        "kind": "choice",
        "options": ["Концерт", "Спектакль", "Выставка", "Фестиваль", "Конференция", "Акция"],
        "optional": True,
    },
    {
        "key": "visual_style",
        "text": "В каком визуальном стиле сделать изображение?",
        "kind": "choice",
        "options": ["Фотореализм", "Акварель", "Минимализм", "3D-рендер", "Винтаж", "Киберпанк"],
        "optional": True,
        "default_value": "Фотореализм",
    },
    {
        "key": "composition_focus",
        "text": "Что должно быть в центре композиции: главный объект или акцент?",
        "min_length": 2,
        "max_length": 300,
    },
    {
        "key": "color_palette",
        "text": "Какая цветовая палитра нужна?",
        "kind": "choice",
        "options": ["Тёплые тона", "Холодные тона", "Пастельные тона", "Яркие насыщенные", "Монохром"],
        "optional": True,
    },
    {
        "key": "visual_associations",
        "text": "Какие образы, детали или символы добавить? Перечислите через запятую (или пропустите).",
        "optional": True,
        "max_length": 500,
    },
    {
        "key": "platform",
        "text": "Для какой платформы готовим изображение?",
        "kind": "choice",
        "options": ["VK", "Telegram", "Сайт", "Печатная афиша", "Презентация"],
        "optional": True,
    },
    {
        "key": "aspect_ratio",
        "text": "Выберите формат кадра (соотношение сторон).",
        "kind": "choice",
        "options": ["1:1", "9:16", "16:9", "4:5", "2:3"],
        "allow_free_answer": False,
        "optional": True,
        "default_value": "1:1",
        "max_length": 10,
    },
]


def install(apps, schema_editor):
    Scenario = apps.get_model("questionnaire", "Scenario")
    Question = apps.get_model("questionnaire", "Question")
    if Scenario.objects.filter(is_active=True).exists():
        return
    scenario = Scenario.objects.create(
        name="Маркетинговое изображение",
        description="Сценарий по умолчанию: идея, событие, стиль, композиция, палитра, формат.",
        is_active=True,
    )
    for position, question in enumerate(DEFAULT_QUESTIONS, start=1):
        Question.objects.create(scenario=scenario, position=position, **question)


def remove(apps, schema_editor):
    apps.get_model("questionnaire", "Scenario").objects.filter(name="Маркетинговое изображение").delete()


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
