"""The enricher over an OpenAI-compatible chat endpoint (Ollama, vLLM, LiteLLM, OpenAI…).

The same prompts and checks as the GigaChat enricher, so both write alike. In JSON mode
(`OPENAI_CHAT_JSON_MODE`) it asks for `{"text": "…"}`: a small local model that chats
around its answer ("Конечно! Вот описание: …") then fails visibly as `malformed` instead of
slipping its preamble into the prompt.
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from contentum.prompts.enrichment.base import EnrichmentFailed
from contentum.prompts.enrichment.gigachat import system_prompt, user_prompt
from contentum.prompts.llm import LLMError
from contentum.prompts.openai_chat import json_mode_requested, openai_chat_complete

JSON_INSTRUCTION = (
    ' Ответь в формате JSON: объект с одним полем "text", в котором только само описание, '
    'например {"text": "…"}.'
)
_FENCE_RE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL | re.IGNORECASE)


def text_from_json(answer: str) -> str:
    """The description inside a JSON answer: its "text" field, or its only string field
    (small models rename the key); raises EnrichmentFailed("malformed") otherwise."""
    fenced = _FENCE_RE.match(answer.strip())
    raw = fenced.group(1) if fenced else answer
    try:
        data: Any = json.loads(raw)
    except ValueError as exc:
        raise EnrichmentFailed("malformed", "ответ — не JSON") from exc
    if not isinstance(data, dict):
        raise EnrichmentFailed("malformed", "ответ — не JSON-объект")
    text = data.get("text")
    if not isinstance(text, str):
        strings = [value for value in data.values() if isinstance(value, str)]
        if len(strings) != 1:
            raise EnrichmentFailed("malformed", 'в JSON нет поля "text"')
        text = strings[0]
    return text


class OpenAIChatEnricher:
    name = "openai"

    def enrich(self, key: str, text: str, *, context: Mapping[str, str] | None = None) -> str:
        limit = settings.ENRICH_MAX_LENGTH
        json_mode = json_mode_requested()
        system = system_prompt(limit) + (JSON_INSTRUCTION if json_mode else "")
        try:
            answer = openai_chat_complete(
                system, user_prompt(key, text, context or {}), json_mode=json_mode
            )
        except LLMError as exc:
            raise EnrichmentFailed(exc.reason, str(exc)) from exc
        if json_mode:
            answer = text_from_json(answer)
        answer = " ".join(answer.split()).strip("\"'«» ")
        if not answer:
            raise EnrichmentFailed("empty")
        if len(answer) > limit:
            raise EnrichmentFailed("too_long", f"{len(answer)} > {limit} символов")
        return answer
