"""The GigaChat enricher: asks the model for a concise visual description in Russian."""

from collections.abc import Mapping

from django.conf import settings

from contentum.prompts.enrichment.base import EnrichmentFailed
from contentum.prompts.llm import LLMError, llm_complete


def system_prompt(limit: int) -> str:
    return (
        "Ты помогаешь маркетологам готовить запросы для нейросети Kandinsky, которая рисует "
        "изображения. Тебе дают короткий ответ пользователя и контекст. Перепиши ответ в краткое "
        "визуальное описание на русском языке: что изображено, важные детали, свет, настроение. "
        "Сохрани смысл и ключевые слова пользователя, ничего не выдумывай сверх контекста. "
        f"Пиши одним абзацем, не длиннее {limit} символов, без вступлений, кавычек, списков, "
        "пояснений и без просьб нарисовать текст или надписи."
    )


KEY_TITLES = {
    "idea": "идея изображения",
    "visual_associations": "образы и детали, которые нужно добавить",
    "composition_focus": "что в центре композиции",
}
CONTEXT_TITLES = {
    "idea": "идея",
    "event_name": "событие",
    "event_genre": "жанр",
    "visual_style": "стиль",
    "composition_focus": "в центре",
    "color_palette": "палитра",
    "platform": "площадка",
    "brand_colors": "фирменные цвета",
}


def user_prompt(key: str, text: str, context: Mapping[str, str]) -> str:
    lines = [f"Поле: {KEY_TITLES.get(key, key)}.", f"Ответ пользователя: {text}"]
    known = [
        f"{title} — {context[name]}"
        for name, title in CONTEXT_TITLES.items()
        if name != key and str(context.get(name) or "").strip()
    ]
    if known:
        lines.append("Контекст: " + "; ".join(known) + ".")
    return "\n".join(lines)


class GigaChatEnricher:
    name = "gigachat"

    def enrich(self, key: str, text: str, *, context: Mapping[str, str] | None = None) -> str:
        limit = settings.ENRICH_MAX_LENGTH
        try:
            answer = llm_complete(system_prompt(limit), user_prompt(key, text, context or {}))
        except LLMError as exc:
            raise EnrichmentFailed(exc.reason, str(exc)) from exc
        answer = " ".join(answer.split()).strip("\"'«» ")
        if not answer:
            raise EnrichmentFailed("empty")
        if len(answer) > limit:
            raise EnrichmentFailed("too_long", f"{len(answer)} > {limit} символов")
        return answer
