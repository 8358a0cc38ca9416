"""The hand-off at the end of a chat: answers → parameters → prompt → generation task.

Called by `flow` inside the chat's transaction once the last answer is accepted. Nothing
here waits on the network: the prompt is assembled with the built-in enricher, and when
an LLM enricher is configured the generation worker enriches and re-assembles it before
the first attempt. The task is sent to a worker when the transaction commits, so the
HTTP answer comes back at once, however slow the LLM, and the image arrives later as a
chat message (see `generation_listener`).
"""

from dataclasses import dataclass
from typing import Any

from contentum.chats.models import Chat, ChatStatus, MessageKind
from contentum.chats.questions import variant_count
from contentum.common.throttling import count_generation_start
from contentum.design.selectors import format_for_answers
from contentum.generation.posters import drawn_size, font_for_style
from contentum.generation.services import generation_task_create
from contentum.prompts.services import (
    enrich_parameters,
    enrichment_is_local,
    prompt_assemble,
    prompt_parameters_create,
)


@dataclass(frozen=True)
class CompletionResult:
    status: str
    message_kind: str
    message_text: str
    payload: dict[str, Any]


def complete_chat(*, chat: Chat, origin: str = "") -> CompletionResult:
    count_generation_start(chat.user)  # first: past the limit nothing is written
    enriched = enrich_parameters(answers=chat.answers, user=chat.user, local_only=True)
    parameters = prompt_parameters_create(user=chat.user, enriched=enriched)
    history = prompt_assemble(user=chat.user, parameters=parameters)
    poster_format = format_for_answers(chat.answers)
    width, height = drawn_size(poster_format)
    task = generation_task_create(
        user=chat.user,
        prompt=history.assembled_prompt,
        negative_prompt=history.negative_prompt,
        width=width,
        height=height,
        chat=chat,
        prompt_history=history,
        origin=origin,
        enrich_first=not enrichment_is_local(),
        poster_format=poster_format,
        poster_text=poster_text(chat.answers),
        variant_count=variant_count(chat.answers),
        style_hint=chat.answers.get("visual_style", ""),
    )
    chat.prompt_parameters = parameters
    prepared = "дополняю описание" if task.enrich_first else "промпт составлен"
    size = f"{poster_format.width}×{poster_format.height}"
    variants = f" в {task.variants_asked} вариантах" if task.has_variants else ""
    return CompletionResult(
        status=ChatStatus.GENERATING,
        message_kind=MessageKind.GENERATION_STARTED,
        message_text=(
            f"Все ответы собраны, {prepared}. Готовлю постер «{poster_format.name}» {size}"
            f"{variants} — обычно это занимает несколько секунд."
        ),
        payload={
            "prompt_parameters_id": str(parameters.pk),
            "prompt_history_id": str(history.pk),
            "generation_task_id": str(task.pk),
            "format": poster_format.key,
            "width": poster_format.width,
            "height": poster_format.height,
            "variant_count": task.variants_asked,
        },
    )


def poster_text(answers: dict[str, str]) -> dict[str, Any] | None:
    """The poster's text from the brief: the event's name, then its date and venue."""
    title = answers.get("event_name", "").strip()
    if not title:
        return None
    lines = [answers.get(key, "").strip() for key in ("event_date", "venue")]
    return {
        "title": title,
        "lines": [line for line in lines if line],
        "font": font_for_style(answers.get("visual_style", "")),
    }
