"""Rewriting a prompt for the next attempt, keeping its meaning and adding fixes for what
the quality checks found wrong.

Pass the original prompt each time with the number of the attempt the new prompt is for:
each attempt then gets its own wording instead of piling rewrites on rewrites (fixes and
variations a previous rewrite added are recognised and dropped anyway).
"""

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from contentum.generation.quality import (
    ASPECT_RATIO,
    CENSORED,
    CONTRAST,
    EXPOSURE,
    NOT_BLANK,
    SHARPNESS,
    SIZE,
)
from contentum.generation.text import MAX_PROMPT_CHARS, clip_words, squeeze

logger = logging.getLogger(__name__)

# What to ask for when a check failed; a detector's unknown name gets the generic fix.
FIXES = {
    SHARPNESS: "чёткие детали, высокая резкость",
    NOT_BLANK: "насыщенные цвета, выразительный контраст",
    CONTRAST: "насыщенные цвета, выразительный контраст",
    EXPOSURE: "сбалансированное освещение",
    SIZE: "цельная композиция на весь кадр",
    ASPECT_RATIO: "цельная композиция на весь кадр",
    CENSORED: "деликатная и дружелюбная подача",
}
GENERIC_FIX = "аккуратная проработка деталей"
CHECK_LABELS = {
    SHARPNESS: "изображение размыто",
    NOT_BLANK: "изображение пустое или однотонное",
    CONTRAST: "слабый контраст",
    EXPOSURE: "изображение слишком тёмное или пересвеченное",
    SIZE: "неверный размер",
    ASPECT_RATIO: "неверное соотношение сторон",
    CENSORED: "сработал фильтр цензуры провайдера",
}
# A different one per attempt, so consecutive attempts never send the same text.
VARIATIONS = (
    "в новой композиции",
    "со свежим ракурсом",
    "с иной расстановкой акцентов",
    "в обновлённой подаче",
    "с другим планом кадра",
    "в новой интерпретации",
)
# Interchangeable forms of the same gender, number and case, so grammar survives.
SYNONYMS = (
    ("плакат", "постер"),
    ("плаката", "постера"),
    ("мероприятие", "событие"),
    ("мероприятия", "события"),
    ("фон", "задний план"),
    ("фона", "заднего плана"),
    ("фоне", "заднем плане"),
    ("стиле", "духе"),
    ("яркий", "насыщенный"),
    ("яркая", "насыщенная"),
    ("яркое", "насыщенное"),
    ("яркие", "насыщенные"),
    ("красивый", "эффектный"),
    ("красивая", "эффектная"),
    ("красивое", "эффектное"),
    ("красивые", "эффектные"),
    ("большой", "крупный"),
    ("большая", "крупная"),
    ("большие", "крупные"),
    ("современный", "актуальный"),
    ("современная", "актуальная"),
    ("современные", "актуальные"),
    ("цвета", "оттенки"),
    ("цветами", "оттенками"),
    ("сотрудники", "коллеги"),
)
_ALTERNATIVES = {word: group for group in SYNONYMS for word in group}
_SYNONYM_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _ALTERNATIVES), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# Words that trip content filters; a censored attempt goes without them.
_RISKY_RE = re.compile(
    r"(?:\b(?:с|со|и|без|в|на)\s+)?\b(?:кров(?:ь|и|ью|ав\w*)|оруж\w*|пистолет\w*|винтовк\w*"
    r"|нож(?:а|ом|и|ей|ами)?|насили\w*|обнаж\w*|гол(?:ый|ая|ое|ые)|эротич\w*|сексуальн\w*"
    r"|труп\w*|убийств\w*|смерт\w*|взрыв\w*|бомб\w*|наркот\w*)\b",
    re.IGNORECASE,
)
_CLAUSE_RE = re.compile(r"[;!?\n]+|(?<!\d)[.,](?!\d)")


class Paraphraser(ABC):
    @abstractmethod
    def paraphrase(self, prompt: str, failed_checks: list[str], attempt: int) -> str:
        """`prompt` reworded for attempt number `attempt`, ≤ 1000 characters."""


def _fix_clauses(failed_checks: list[str]) -> list[str]:
    clauses: list[str] = []
    for name in failed_checks:
        for clause in FIXES.get(name, GENERIC_FIX).split(", "):
            if clause not in clauses:
                clauses.append(clause)
    return clauses


_ADDED = {
    clause for text in [*FIXES.values(), GENERIC_FIX, *VARIATIONS] for clause in text.split(", ")
}


def _clauses(prompt: str) -> list[str]:
    parts = (squeeze(part) for part in _CLAUSE_RE.split(prompt))
    return [part for part in parts if part and part.lower() not in _ADDED]


def _swap_synonyms(text: str, shift: int) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        group = _ALTERNATIVES[word.lower()]
        chosen = group[(group.index(word.lower()) + shift) % len(group)]
        return chosen.capitalize() if word[0].isupper() else chosen

    return _SYNONYM_RE.sub(swap, text)


class RuleParaphraser(Paraphraser):
    """Offline and deterministic: the subject stays first, the other clauses rotate,
    synonyms swap, and fixes for the failed checks are appended."""

    def paraphrase(self, prompt: str, failed_checks: list[str], attempt: int) -> str:
        shift = max(attempt - 1, 0)
        clauses = _clauses(prompt)
        if CENSORED in failed_checks:
            clauses = [squeeze(_RISKY_RE.sub("", clause)) for clause in clauses]
            clauses = [clause for clause in clauses if clause]
        if len(clauses) > 2:
            rest = clauses[1:]
            turn = shift % len(rest)
            clauses = [clauses[0], *rest[turn:], *rest[:turn]]
        body = _swap_synonyms(", ".join(clauses), shift)
        added = [VARIATIONS[attempt % len(VARIATIONS)], *_fix_clauses(failed_checks)]
        tail = ", ".join(added)
        body = clip_words(body, MAX_PROMPT_CHARS - len(tail) - 2)
        return f"{body}, {tail}" if body else tail


SYSTEM_PROMPT = (
    "Ты помогаешь готовить промпты для генератора изображений Kandinsky. Перепиши промпт "
    "другими словами, сохранив его смысл: объекты, событие, стиль, палитру и настроение. "
    "Добавь уточнения, которые исправят перечисленные проблемы предыдущего изображения. "
    f"Ответь только новым промптом на русском языке, без пояснений и кавычек, не длиннее "
    f"{MAX_PROMPT_CHARS} символов."
)


def _user_prompt(prompt: str, failed_checks: list[str], attempt: int) -> str:
    problems = [
        f"- {CHECK_LABELS.get(name, name)}: добавь «{FIXES.get(name, GENERIC_FIX)}»"
        for name in failed_checks
    ]
    found = "\n".join(problems) or "- проблем не найдено, нужна другая формулировка"
    return (
        f"Промпт:\n{prompt}\n\nПроблемы предыдущего изображения:\n{found}\n\n"
        f"Это попытка № {attempt}: сформулируй иначе, чем в прошлый раз."
    )


class LLMParaphraser(Paraphraser):
    """Asks an LLM through `complete(system_prompt, user_prompt) -> answer`; any failure,
    an empty, unchanged or over-long answer falls back to `fallback`."""

    def __init__(self, complete: Callable[[str, str], str], fallback: Paraphraser) -> None:
        self._complete = complete
        self._fallback = fallback

    def paraphrase(self, prompt: str, failed_checks: list[str], attempt: int) -> str:
        try:
            answer = self._complete(SYSTEM_PROMPT, _user_prompt(prompt, failed_checks, attempt))
            text = squeeze(answer).strip("\"'«»“”")
        except Exception:
            logger.warning("LLM paraphrase failed; using the rules", exc_info=True)
            return self._fallback.paraphrase(prompt, failed_checks, attempt)
        if not text or len(text) > MAX_PROMPT_CHARS or text.lower() == squeeze(prompt).lower():
            logger.warning("LLM paraphrase unusable (%d chars); using the rules", len(text))
            return self._fallback.paraphrase(prompt, failed_checks, attempt)
        return text


def get_paraphraser(*, llm_complete: Callable[[str, str], str] | None = None) -> Paraphraser:
    """The paraphraser `PARAPHRASER` names, given the completion callable of the configured
    LLM (GigaChat) or None when there is none.

    `auto` (the default) uses the LLM when one is given and the rules otherwise; `llm`
    does the same but warns when there is no LLM (someone asked for it explicitly);
    `rules` never calls the network."""
    name = settings.PARAPHRASER
    if name == "rules":
        return RuleParaphraser()
    if name in ("auto", "llm"):
        if llm_complete is None:
            if name == "llm":
                logger.warning("PARAPHRASER=llm but no LLM is configured; using the rules")
            return RuleParaphraser()
        return LLMParaphraser(llm_complete, fallback=RuleParaphraser())
    raise ImproperlyConfigured(f"PARAPHRASER={name!r} is unknown; use auto, rules or llm.")
