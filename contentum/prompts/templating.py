"""Prompt template rules: what a template may contain and how it is filled.

A template is plain text with `{name}` placeholders. `{{` and `}}` stand for literal braces.
A name is either a question key of the active scenario (`{idea}`, `{visual_style}`, …) or one
of the derived placeholders below. Names are identifiers only: `{0}`, `{a.b}`, `{idea!r}` or
`{idea:>10}` are refused when a template is saved.

Filling is one pass over the *template's* tokens: a value is inserted as data and never read
again, so an answer such as `{secret}` or `{0.__class__}` stays literally in the prompt.
`str.format` is never applied to anything a user typed.

Each template line is a unit: a line whose placeholders are all empty is left out (no
dangling "Стиль: "), and inside a line each sentence is treated the same way, so
"Событие: {event_info}. {mood_hint}" keeps the first sentence when only the hint is missing.
An empty placeholder also takes a neighbouring "," or ";" with it.

A value placed mid-sentence (after "Стиль: ", after a word) starts lower-case when its first
word is an ordinary capitalised word: "Стиль: Акварель" reads "Стиль: акварель". Names keep
their capitals: the answers to `NAME_KEYS` and any value starting with one of their words
("Событие: Чайка"), abbreviations ("VK", "3D-рендер"), values inside «…» and values that
start a sentence.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from contentum.common.exceptions import ApplicationError
from contentum.prompts import vocabulary
from contentum.prompts.models import MAX_TEMPLATE_LENGTH
from contentum.questionnaire.answers import SKIP_WORDS
from contentum.questionnaire.models import KEY_PATTERN

# Derived placeholders: name → what it holds. Computed from the answers, never asked.
DERIVED_PLACEHOLDERS: dict[str, str] = {
    "event_info": "Событие из названия и жанра: «Спектакль «Чайка»», только название или жанр.",
    "style_hint": "Как передать выбранный стиль (для известных стилей).",
    "palette_hint": "Оттенки выбранной палитры (для известных палитр).",
    "mood_hint": "Атмосфера по жанру события (для известных жанров).",
    "format_hint": "Кадр и площадка: «Вертикальный кадр 9:16 для поста в Telegram».",
    "brand_colors": "Цвета активного фирменного стиля словами: «бордовый, кремовый». Без "
    "этого плейсхолдера в шаблоне они дописываются в конец промпта.",
}

NAME = re.compile(KEY_PATTERN)
# A skipped optional answer may still arrive as a skip word ("-", "пропустить"…): no value.
EMPTY_ANSWERS = SKIP_WORDS
SEPARATOR_AT_END = re.compile(r"\s*(?:[,;]|\s(?:и|или))\s*$")
SEPARATOR_AT_START = re.compile(r"^\s*[,;]\s*")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[.,;:!?])")
SENTENCE_END = re.compile(r"[.!?…]+\s+")
# Answers that are names: inserted as typed wherever they go.
NAME_KEYS = ("event_name", "venue", "platform")
FIRST_WORD = re.compile(r"[^\s,;:.!?…()«»\"]+")


@dataclass(frozen=True)
class Placeholder:
    name: str


Token = str | Placeholder


class TemplateSyntaxError(ValueError):
    pass


def parse(body: str) -> list[Token]:
    """The template as literal strings and placeholders, or TemplateSyntaxError saying where."""
    return list(_parsed(body))


@lru_cache(maxsize=64)
def _parsed(body: str) -> tuple[Token, ...]:
    """Every finished chat renders the same few templates: each is parsed once a process."""
    tokens: list[Token] = []
    literal: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "{" and body.startswith("{{", i):
            literal.append("{")
            i += 2
        elif char == "}" and body.startswith("}}", i):
            literal.append("}")
            i += 2
        elif char == "}":
            raise TemplateSyntaxError(f"Лишняя закрывающая скобка «}}» (символ {i + 1}).")
        elif char == "{":
            end = body.find("}", i + 1)
            nested = body.find("{", i + 1)
            if end == -1 or (nested != -1 and nested < end):
                raise TemplateSyntaxError(f"Незакрытая фигурная скобка «{{» (символ {i + 1}).")
            name = body[i + 1 : end]
            if not NAME.fullmatch(name):
                raise TemplateSyntaxError(
                    f"Недопустимая подстановка «{{{name}}}»: нужно имя из латинских букв, "
                    "цифр и «_» без форматирования."
                )
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(Placeholder(name))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        tokens.append("".join(literal))
    return tuple(tokens)


def allowed_placeholders(scenario_keys: Iterable[str]) -> list[str]:
    return [*scenario_keys, *(name for name in DERIVED_PLACEHOLDERS if name not in scenario_keys)]


def template_errors(body: str, *, allowed: Iterable[str]) -> list[str]:
    """Everything wrong with one template body, in Russian; empty when it may be saved."""
    if len(body) > MAX_TEMPLATE_LENGTH:
        return [f"Шаблон длиннее {MAX_TEMPLATE_LENGTH} символов ({len(body)})."]
    try:
        tokens = parse(body)
    except TemplateSyntaxError as exc:
        return [str(exc)]
    allowed = list(allowed)
    unknown = sorted({t.name for t in tokens if isinstance(t, Placeholder)} - set(allowed))
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        known = ", ".join(f"{{{name}}}" for name in allowed)
        return [f"Неизвестные подстановки: {names}. Доступны: {known}."]
    return []


def validate_bodies(bodies: Mapping[str, str], *, scenario_keys: Iterable[str]) -> None:
    """Raises ApplicationError (400) naming each body's problems: `{"template": [...]}`."""
    allowed = allowed_placeholders(list(scenario_keys))
    errors = {
        field: problems
        for field, body in bodies.items()
        if (problems := template_errors(body, allowed=allowed))
    }
    if errors:
        raise ApplicationError("Шаблон заполнен с ошибками.", errors=errors)


# --- Values --------------------------------------------------------------------------------


def clean_value(value: object) -> str:
    """One line of text without trailing punctuation; skip words become empty."""
    text = " ".join(str(value or "").split())
    if text.casefold() in EMPTY_ANSWERS:
        return ""
    return text.rstrip(".,;: ")


def event_info(name: str, genre: str) -> str:
    if name and genre:
        if name.casefold().startswith(genre.casefold()):
            return name
        quoted = any(mark in name for mark in '«»"„“')
        return f"{genre} {name}" if quoted else f"{genre} «{name}»"
    return name or genre


def format_hint(aspect_ratio: str, platform: str) -> str:
    frame = vocabulary.FRAME_HINTS.get(aspect_ratio.replace(" ", ""), "")
    if platform:
        where = vocabulary.lookup(vocabulary.PLATFORM_HINTS, platform) or f"для {platform}"
    else:
        where = ""
    if frame and where:
        return f"{frame} {where}"
    if frame:
        return frame
    return f"Изображение {where}" if where else ""


def ratio_in(text: str) -> str:
    """The aspect ratio a format's name states («Истории / клипы 9:16» → "9:16"), if any."""
    found = re.search(r"(\d{1,2})\s*[:×x]\s*(\d{1,2})", text)
    return f"{found.group(1)}:{found.group(2)}" if found else ""


def placeholder_values(answers: Mapping[str, object]) -> dict[str, str]:
    """Cleaned answers plus the derived placeholders. An answer wins over a derived name."""
    values = {key: clean_value(value) for key, value in answers.items()}
    style, palette = values.get("visual_style", ""), values.get("color_palette", "")
    derived = {
        "event_info": event_info(values.get("event_name", ""), values.get("event_genre", "")),
        "style_hint": vocabulary.lookup(vocabulary.STYLE_HINTS, style),
        "palette_hint": vocabulary.lookup(vocabulary.PALETTE_HINTS, palette),
        "mood_hint": vocabulary.lookup(vocabulary.MOOD_HINTS, values.get("event_genre", "")),
        "format_hint": format_hint(
            values.get("aspect_ratio") or ratio_in(values.get("format", "")),
            values.get("platform", ""),
        ),
    }
    return {**derived, **values}


# --- Filling -------------------------------------------------------------------------------


def _lines(tokens: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, Placeholder):
            lines[-1].append(token)
            continue
        parts = token.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(part)
    return lines


def _sentences(line: list[Token]) -> list[list[Token]]:
    """Splits a line after each sentence end found in its literal text."""
    sentences: list[list[Token]] = [[]]
    for token in line:
        if isinstance(token, Placeholder):
            sentences[-1].append(token)
            continue
        start = 0
        for match in SENTENCE_END.finditer(token):
            sentences[-1].append(token[start : match.end()])
            sentences.append([])
            start = match.end()
        if token[start:]:
            sentences[-1].append(token[start:])
    return [sentence for sentence in sentences if sentence]


def proper_words(values: Mapping[str, str]) -> frozenset[str]:
    """The capitalised words of the answers that are names ("Вишнёвый", "Малая", "Telegram")."""
    words = (word for key in NAME_KEYS for word in FIRST_WORD.findall(values.get(key, "")))
    return frozenset(word for word in words if word[:1].isupper())


def lower_first(value: str, *, keep: frozenset[str] = frozenset()) -> str:
    """«Силуэт актрисы» → «силуэт актрисы» for a value placed mid-sentence. Left as is: a
    value starting with anything but a letter (a quote «…», a digit), an abbreviation or a
    name ("VK", "МХТ", "iPhone", "Санкт-Петербург": a capital past the first letter), a
    word of `keep`, and a lone capital letter not followed by a space ("Б", "А.")."""
    found = FIRST_WORD.match(value)
    if not found or not value[:1].isupper() or found.group() in keep:
        return value
    word = found.group()
    if len(word) == 1 and not value[1:2].isspace():
        return value
    if any(char.isupper() or char.isdigit() for char in word[1:]):
        return value
    return value[:1].lower() + value[1:]


def _starts_a_sentence(before: str) -> bool:
    text = before.rstrip()
    return not text or text[-1] in ".!?…"


def _inside_quotes(before: str) -> bool:
    return before.count("«") > before.count("»")


def _render_sentence(
    sentence: list[Token], values: Mapping[str, str], keep: frozenset[str] = frozenset()
) -> str:
    names = [token.name for token in sentence if isinstance(token, Placeholder)]
    if names and not any(values.get(name) for name in names):
        return ""
    out: list[tuple[bool, str]] = []  # (is a value, text)
    drop_leading_separator = False
    for token in sentence:
        if isinstance(token, Placeholder):
            value = values.get(token.name, "")
            if value:
                before = "".join(text for _, text in out)
                if not (
                    token.name in NAME_KEYS or _starts_a_sentence(before) or _inside_quotes(before)
                ):
                    value = lower_first(value, keep=keep)
                out.append((True, value))
            elif len(out) >= 2 and not out[-1][0] and SEPARATOR_AT_END.search(out[-1][1]):
                out[-1] = (False, SEPARATOR_AT_END.sub(" ", out[-1][1]))
            else:
                drop_leading_separator = True
            continue
        text = token
        if drop_leading_separator:
            text = SEPARATOR_AT_START.sub(" ", text)
            drop_leading_separator = False
        if out and out[-1][0] and text.startswith(".") and out[-1][1][-1:] in "!?…":
            text = text[1:]
        if out and not out[-1][0]:
            out[-1] = (False, out[-1][1] + text)
        else:
            out.append((False, text))
    return "".join(
        text if is_value else SPACE_BEFORE_PUNCTUATION.sub("", text) for is_value, text in out
    )


def render(body: str, values: Mapping[str, str], *, as_sentences: bool = True) -> str:
    """Fills a valid template as one paragraph; `as_sentences` makes each line a sentence."""
    kept = []
    keep = proper_words(values)
    for line in _lines(parse(body)):
        sentences = _sentences(line)
        text = " ".join("".join(_render_sentence(s, values, keep) for s in sentences).split())
        if not text:
            continue
        if as_sentences:
            if text[-1] not in ".!?…,;:":
                text += "."
            if text.split(" ", 1)[0].islower():  # "лес" → "Лес", "iPhone" is left alone
                text = text[:1].upper() + text[1:]
        kept.append(text)
    return " ".join(kept)
