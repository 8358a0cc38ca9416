import pytest

from contentum.questionnaire.answers import AnswerRejected, validate_answer

STRICT_RATIO = {
    "key": "aspect_ratio",
    "kind": "choice",
    "options": ["1:1", "9:16", "16:9"],
    "allow_free_answer": False,
    "optional": True,
    "default": "1:1",
    "min_length": 1,
    "max_length": 10,
}
GENRE = {
    **STRICT_RATIO,
    "key": "genre",
    "options": ["Концерт", "Спектакль"],
    "allow_free_answer": True,
}
IDEA = {"key": "idea", "kind": "text", "optional": False, "min_length": 3, "max_length": 20}


def test_choice_matches_options_ignoring_case_and_stores_the_options_spelling():
    assert validate_answer(GENRE, "  спектакль ").value == "Спектакль"


def test_free_answers_pass_when_the_question_allows_them():
    assert validate_answer(GENRE, "Опера").value == "Опера"


def test_a_strict_choice_refuses_anything_else_listing_the_options():
    with pytest.raises(AnswerRejected) as refused:
        validate_answer(STRICT_RATIO, "4:3")
    assert refused.value.options == ["1:1", "9:16", "16:9"]
    assert "1:1, 9:16, 16:9" in refused.value.message


@pytest.mark.parametrize("skip", ["", "  ", "-", "Пропустить", "нет", "—"])
def test_optional_questions_take_a_skip_and_use_the_default(skip):
    answer = validate_answer(STRICT_RATIO, skip)
    assert answer.skipped
    assert answer.value == "1:1"


@pytest.mark.parametrize("text", ["", "   ", "-"])
def test_required_questions_refuse_empty_answers_and_do_not_treat_dash_as_skip(text):
    with pytest.raises(AnswerRejected):
        validate_answer(IDEA, text)


def test_length_limits_are_enforced_after_collapsing_whitespace():
    assert validate_answer(IDEA, "  a   b  ").value == "a b"
    with pytest.raises(AnswerRejected, match="короткий"):
        validate_answer(IDEA, "ab")
    with pytest.raises(AnswerRejected, match="длинный"):
        validate_answer(IDEA, "x" * 21)


def test_braces_in_answers_are_kept_literally():
    assert validate_answer(IDEA, "{secret} {0.__doc__}").value == "{secret} {0.__doc__}"
