"""The default template, filled with the default scenario's answers, reads as clean Russian:
each answer once, no capital letters mid-sentence, no doubled punctuation (issue 19, item 7)."""

import re

import pytest

from contentum.chats.tests.factories import DEFAULT_ANSWERS
from contentum.prompts import services
from contentum.prompts.enrichment import enrich_parameters
from contentum.prompts.templating import NAME_KEYS, clean_value, lower_first
from contentum.prompts.tests.factories import ANSWERS

pytestmark = pytest.mark.django_db

# The default scenario's optional questions (see the questionnaire's data migrations).
OPTIONAL = [
    "event_genre",
    "event_date",
    "venue",
    "visual_style",
    "color_palette",
    "visual_associations",
    "platform",
    "format",
    "aspect_ratio",
]
EXAMPLES = {
    "default scenario": DEFAULT_ANSWERS,
    "prompts factory": ANSWERS,
    "capitalised free answers": {
        **DEFAULT_ANSWERS,
        "idea": "Афиша спектакля «Вишнёвый сад»",
        "event_name": "Вишнёвый сад",
        "event_genre": "Спектакль",
        "visual_style": "Акварель",
        "composition_focus": "Силуэт актрисы в белом платье",
        "color_palette": "Тёплые тона",
        "visual_associations": "Сад, вишни, старый дом",
        "venue": "МХТ",
        "platform": "Telegram",
    },
    "the event name starts a free answer": {
        **DEFAULT_ANSWERS,
        "idea": "Афиша спектакля Вишнёвый сад",
        "event_name": "Вишнёвый сад",
        "composition_focus": "Вишнёвый сад в цвету",
    },
    "unknown style and palette": {
        **DEFAULT_ANSWERS,
        "visual_style": "Граффити",
        "color_palette": "Бордовый и золотой",
    },
    "short answers": {"idea": "Кот", "event_name": "Чайка", "composition_focus": "кот"},
    "optional skipped (empty)": {**DEFAULT_ANSWERS, **dict.fromkeys(OPTIONAL, "")},
    "optional skipped (skip word)": {**DEFAULT_ANSWERS, **dict.fromkeys(OPTIONAL, "-")},
    "some optional skipped": {
        **DEFAULT_ANSWERS,
        "event_genre": "пропустить",
        "visual_associations": "",
        "platform": "-",
    },
    "no genre": {**ANSWERS, "event_genre": ""},
}

DOUBLED_PUNCTUATION = re.compile(r"[.,;:!?]\s*[.,;:]|,\s*,|\(\s*\)|\s[.,;:!?]|\s{2}")
# A capital letter after a space that does not follow a sentence end.
MID_SENTENCE_CAPITAL = re.compile(r"(?<=[^\s.!?…])\s+([A-ZА-ЯЁ][\w-]*)")
QUOTED = re.compile(r"«[^«»]*»")


def assembled(user, answers: dict[str, str]) -> str:
    """What a finished chat stores: built-in enrichment, then the active (default) template."""
    enriched = enrich_parameters(answers=answers, local_only=True)
    parameters = services.prompt_parameters_create(user=user, enriched=enriched)
    return services.prompt_assemble(user=user, parameters=parameters).assembled_prompt


def occurrences(needle: str, text: str) -> int:
    pattern = rf"(?<!\w){re.escape(needle.casefold())}(?!\w)"
    return len(re.findall(pattern, text.casefold()))


def repeated_answers(prompt: str, answers: dict[str, str]) -> list[str]:
    """Answers the prompt holds more often than once plus their mentions in other answers
    ("Чайка" is the event name and a word of the idea «Афиша спектакля Чайка»)."""
    values = {key: clean_value(value) for key, value in answers.items()}
    values = {key: value for key, value in values.items() if value}
    repeated = []
    for key, value in values.items():
        inside_others = sum(occurrences(value, other) for k, other in values.items() if k != key)
        if occurrences(value, prompt) > 1 + inside_others:
            repeated.append(f"{key}: {value}")
    return repeated


def mid_sentence_capitals(prompt: str, answers: dict[str, str]) -> list[str]:
    """Capitalised words after a lower-case word or a colon, outside «…» quotes, that are not
    a word of a name answer (the event name, the venue, the platform) nor an abbreviation."""
    names = {
        word for key in NAME_KEYS for word in re.findall(r"[\w-]+", answers.get(key, "") or "")
    }
    text = prompt
    while QUOTED.search(text):  # «Спектакль «Чайка»»: the innermost first
        text = QUOTED.sub("", text)
    return [
        word
        for word in MID_SENTENCE_CAPITAL.findall(text)
        if word not in names and lower_first(word) != word
    ]


@pytest.mark.parametrize("answers", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_the_default_prompt_reads_as_clean_russian(employee, answers):
    prompt = assembled(employee, answers)
    assert repeated_answers(prompt, answers) == [], prompt
    assert mid_sentence_capitals(prompt, answers) == [], prompt
    assert not DOUBLED_PUNCTUATION.search(prompt), prompt


def test_the_default_scenario_prompt_places_the_composition_once_in_lower_case(employee):
    answers = {**DEFAULT_ANSWERS, "composition_focus": "Силуэт актрисы на фоне озера"}
    prompt = assembled(employee, answers)
    assert prompt.casefold().count("силуэт актрисы на фоне озера") == 1
    assert "В центре композиции: силуэт актрисы на фоне озера." in prompt
    assert "в центре внимания" not in prompt
    assert "Событие: спектакль «Чайка», театральная атмосфера" in prompt
    assert "Стиль: акварель, акварельная живопись" in prompt


def test_names_keep_their_capitals_mid_sentence(employee):
    answers = {**DEFAULT_ANSWERS, "event_name": "Вишнёвый сад", "event_genre": ""}
    assert "Событие: Вишнёвый сад." in assembled(employee, answers)
    answers = {**DEFAULT_ANSWERS, "event_name": "«Вишнёвый сад»", "event_genre": "Спектакль"}
    assert "Событие: спектакль «Вишнёвый сад»," in assembled(employee, answers)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Силуэт актрисы", "силуэт актрисы"),
        ("Акварель", "акварель"),
        ("В центре сцены", "в центре сцены"),
        ("VK", "VK"),
        ("МХТ и сцена", "МХТ и сцена"),
        ("3D-рендер", "3D-рендер"),
        ("iPhone на столе", "iPhone на столе"),
        ("Санкт-Петербург ночью", "Санкт-Петербург ночью"),
        ("«Вишнёвый сад»", "«Вишнёвый сад»"),
        ("Б", "Б"),
        ("уже строчная", "уже строчная"),
    ],
)
def test_lower_first_changes_only_an_ordinary_capitalised_first_word(value, expected):
    assert lower_first(value) == expected


def test_lower_first_keeps_the_words_of_names():
    assert lower_first("Вишнёвый сад в цвету", keep=frozenset({"Вишнёвый"})) == (
        "Вишнёвый сад в цвету"
    )
