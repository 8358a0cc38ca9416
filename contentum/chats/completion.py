"""The hand-off at the end of a chat: answers → parameters → prompt → generation.

Called by `flow` inside the chat's transaction once the last answer is accepted.
"""

from dataclasses import dataclass
from typing import Any

from contentum.chats.models import Chat, ChatStatus, MessageKind
from contentum.prompts.services import prompt_assemble, prompt_parameters_create


@dataclass(frozen=True)
class CompletionResult:
    status: str
    message_kind: str
    message_text: str
    payload: dict[str, Any]


def complete_chat(*, chat: Chat, enriched: Any) -> CompletionResult:
    parameters = prompt_parameters_create(user=chat.user, enriched=enriched)
    history = prompt_assemble(user=chat.user, parameters=parameters)
    chat.prompt_parameters = parameters
    payload = {
        "prompt_parameters_id": str(parameters.pk),
        "prompt_history_id": str(history.pk),
    }
    return CompletionResult(
        status=ChatStatus.GENERATING,
        message_kind=MessageKind.FLOW_COMPLETED,
        message_text="Все ответы собраны, промпт составлен. Изображение будет готово чуть позже.",
        payload=payload,
    )
