"""The hand-off at the end of a chat: answers → parameters → prompt → generation task.

Called by `flow` inside the chat's transaction once the last answer is accepted; the
generation task is sent to a worker when that transaction commits, so the HTTP answer
comes back at once and the image arrives later as a chat message (see `generation_listener`).
"""

from dataclasses import dataclass
from typing import Any

from contentum.chats.models import Chat, ChatStatus, MessageKind
from contentum.common.throttling import count_generation_start
from contentum.generation.services import generation_task_create, requested_size
from contentum.prompts.services import prompt_assemble, prompt_parameters_create


@dataclass(frozen=True)
class CompletionResult:
    status: str
    message_kind: str
    message_text: str
    payload: dict[str, Any]


def complete_chat(*, chat: Chat, enriched: Any, origin: str = "") -> CompletionResult:
    count_generation_start(chat.user)  # first: past the limit nothing is written
    parameters = prompt_parameters_create(user=chat.user, enriched=enriched)
    history = prompt_assemble(user=chat.user, parameters=parameters)
    size = requested_size(aspect_ratio=None, width=None, height=None, parameters=parameters)
    task = generation_task_create(
        user=chat.user,
        prompt=history.assembled_prompt,
        negative_prompt=history.negative_prompt,
        width=size.width,
        height=size.height,
        chat=chat,
        prompt_history=history,
        origin=origin,
    )
    chat.prompt_parameters = parameters
    return CompletionResult(
        status=ChatStatus.GENERATING,
        message_kind=MessageKind.GENERATION_STARTED,
        message_text=(
            f"Все ответы собраны, промпт составлен. Запускаю генерацию изображения "
            f"{size.width}×{size.height} — обычно это занимает несколько секунд."
        ),
        payload={
            "prompt_parameters_id": str(parameters.pk),
            "prompt_history_id": str(history.pk),
            "generation_task_id": str(task.pk),
            "width": size.width,
            "height": size.height,
        },
    )
