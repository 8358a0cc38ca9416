"""Checking one answer against one question (a chat's snapshot of it). Pure functions."""

from dataclasses import dataclass

SKIP_WORDS = frozenset({"", "-", "—", "пропустить", "нет", "skip"})


class AnswerRejected(Exception):
    """The answer does not fit the question; the question stands."""

    def __init__(self, message: str, *, options: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.options = options or []


@dataclass(frozen=True)
class Answer:
    value: str
    skipped: bool = False


def validate_answer(question: dict, raw: str) -> Answer:
    """The stored value for `raw`, or AnswerRejected saying why.

    Optional questions take a skip word (or nothing) and then use their default; choice
    answers match options regardless of case, and a strict choice accepts nothing else.
    """
    text = " ".join(raw.split())
    if question.get("optional") and text.casefold() in SKIP_WORDS:
        return Answer(value=question.get("default") or "", skipped=True)
    if not text:
        raise AnswerRejected("Ответ не может быть пустым.")

    options = question.get("options") or []
    if question.get("kind") == "choice" and options:
        match = next((option for option in options if option.casefold() == text.casefold()), None)
        if match is not None:
            return Answer(value=match)
        if not question.get("allow_free_answer"):
            raise AnswerRejected(
                f"Выберите один из вариантов: {', '.join(options)}.", options=options
            )

    min_length, max_length = question.get("min_length") or 0, question.get("max_length") or 2000
    if len(text) < min_length:
        raise AnswerRejected(f"Ответ слишком короткий: нужно не меньше {min_length} символов.")
    if len(text) > max_length:
        raise AnswerRejected(f"Ответ слишком длинный: не больше {max_length} символов.")
    return Answer(value=text)
