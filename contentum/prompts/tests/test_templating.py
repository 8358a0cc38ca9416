import pytest

from contentum.common.exceptions import ApplicationError
from contentum.prompts.fitting import fit
from contentum.prompts.templating import (
    Placeholder,
    TemplateSyntaxError,
    allowed_placeholders,
    event_info,
    format_hint,
    parse,
    placeholder_values,
    render,
    template_errors,
    validate_bodies,
)

KEYS = ["idea", "event_name", "event_genre", "visual_style", "color_palette", "aspect_ratio"]
ALLOWED = allowed_placeholders(KEYS)


def fill(body: str, **answers: str) -> str:
    return render(body, placeholder_values(answers))


def test_parse_splits_literals_and_placeholders_and_unescapes_double_braces():
    assert parse("Идея: {idea}, {{буквально}}") == [
        "Идея: ",
        Placeholder("idea"),
        ", {буквально}",
    ]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("Идея: {idea", "Незакрытая"),
        ("Идея: idea}", "Лишняя закрывающая"),
        ("{{idea}", "Лишняя закрывающая"),
        ("{ {idea} }", "Незакрытая"),
        ("{}", "Недопустимая"),
        ("{0}", "Недопустимая"),
        ("{idea.__class__}", "Недопустимая"),
        ("{idea!r}", "Недопустимая"),
        ("{idea:>10}", "Недопустимая"),
        ("{ idea }", "Недопустимая"),
    ],
)
def test_malformed_templates_are_refused_with_a_reason(body, fragment):
    with pytest.raises(TemplateSyntaxError, match=fragment):
        parse(body)
    assert fragment in template_errors(body, allowed=ALLOWED)[0]


def test_unknown_placeholders_are_named_and_the_known_ones_listed():
    [error] = template_errors("{idea} {secret} {mood}", allowed=ALLOWED)
    assert "{mood}, {secret}" in error
    assert "{event_info}" in error and "{idea}" in error


def test_derived_placeholders_are_always_allowed():
    body = "{event_info} {style_hint} {palette_hint} {mood_hint} {format_hint}"
    assert template_errors(body, allowed=allowed_placeholders([])) == []


def test_a_body_over_ten_thousand_characters_is_refused():
    assert template_errors("а" * 10_000, allowed=ALLOWED) == []
    assert "10000" in template_errors("а" * 10_001, allowed=ALLOWED)[0]


def test_validate_bodies_names_each_faulty_field():
    with pytest.raises(ApplicationError) as caught:
        validate_bodies({"template": "{idea}", "negative_template": "{nope}"}, scenario_keys=KEYS)
    assert list(caught.value.errors) == ["negative_template"]


@pytest.mark.parametrize(
    ("name", "genre", "expected"),
    [
        ("Чайка", "Спектакль", "Спектакль «Чайка»"),
        ("«Чайка»", "Спектакль", "Спектакль «Чайка»"),
        ("Чайка", "", "Чайка"),
        ("", "Концерт", "Концерт"),
        ("Концерт Земфиры", "Концерт", "Концерт Земфиры"),
        ("", "", ""),
    ],
)
def test_event_info_combines_name_and_genre(name, genre, expected):
    assert event_info(name, genre) == expected


def test_format_hint_reads_the_frame_and_the_platform():
    assert format_hint("9:16", "Telegram") == "Вертикальный кадр 9:16 для поста в Telegram"
    assert format_hint("1:1", "") == "Квадратный кадр 1:1"
    assert format_hint("", "Одноклассники") == "Изображение для Одноклассники"
    assert format_hint("", "") == ""


def test_lines_with_only_empty_values_are_left_out():
    body = "{idea}\nСтиль: {visual_style}\nПалитра: {color_palette}\nБез подстановок"
    assert fill(body, idea="Кот", color_palette="Тёплые тона") == (
        "Кот. Палитра: тёплые тона. Без подстановок."
    )


def test_an_empty_value_takes_its_separator_with_it():
    body = "Стиль: {visual_style}, {style_hint}"
    assert fill(body, visual_style="Граффити") == "Стиль: граффити."
    assert fill(body, visual_style="Акварель") == (
        "Стиль: акварель, акварельная живопись, мягкие размывы и фактура бумаги."
    )
    assert fill(
        "Детали: {idea}, {visual_style}, {color_palette}.", idea="А", color_palette="Б"
    ) == ("Детали: А, Б.")
    assert fill("{idea} и {visual_style}", idea="Кот") == "Кот."


def test_a_sentence_whose_values_are_empty_is_dropped_but_not_its_line():
    body = "Событие: {event_name}. {style_hint}"
    assert fill(body, event_name="Чайка") == "Событие: Чайка."
    assert fill(body, visual_style="Акварель") == (
        "Акварельная живопись, мягкие размывы и фактура бумаги."
    )


def test_values_are_one_line_without_trailing_punctuation_and_skip_words_are_empty():
    body = "Идея: {idea}.\nСтиль: {visual_style}."
    assert fill(body, idea="  кот\n\nна   крыше...  ", visual_style="-") == "Идея: кот на крыше."
    assert fill("{idea}.", idea="Ура!") == "Ура!"


def test_a_line_starting_with_a_lowercase_word_is_capitalised_but_not_iphone():
    assert fill("{idea}", idea="лес") == "Лес."
    assert fill("{idea}", idea="iPhone на столе") == "iPhone на столе."


@pytest.mark.parametrize(
    "answer", ["{secret}", "{0.__class__}", "{idea}", "{{idea}}", "{visual_style:>10}", "%s %(x)s"]
)
def test_answers_with_braces_or_format_specs_stay_literal(answer):
    assert fill("Идея: {idea}. Стиль: {visual_style}", idea=answer, visual_style="Винтаж") == (
        f"Идея: {answer}. Стиль: винтаж."
    )


def test_negative_prompts_keep_their_own_punctuation():
    values = placeholder_values({})
    assert render("размытость, текст", values, as_sentences=False) == "размытость, текст"


def test_fit_leaves_short_text_alone():
    assert fit("Коротко.", 1000) == "Коротко."


def test_fit_cuts_at_the_last_sentence_end():
    text = "Первое предложение о коте. " * 30 + "Хвост без точки " * 50
    cut = fit(text, 1000)
    assert len(cut) <= 1000
    assert cut.endswith("о коте.")


def test_fit_cuts_at_a_clause_when_there_is_no_sentence_end():
    text = ", ".join(["рыжий кот на крыше"] * 80)
    cut = fit(text, 1000)
    assert len(cut) <= 1000
    assert cut.endswith("крыше.")
    assert cut[:-1] == text[: len(cut) - 1]


def test_fit_never_cuts_mid_word():
    text = " ".join(["слово"] * 400)
    cut = fit(text, 1000)
    assert len(cut) <= 1000
    assert cut.split(" ")[-1] == "слово"
    assert text.startswith(cut)


def test_fit_hard_cuts_only_a_single_word_longer_than_the_limit():
    assert fit("я" * 1500, 1000) == "я" * 1000
