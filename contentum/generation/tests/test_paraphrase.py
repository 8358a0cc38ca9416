import pytest
from django.core.exceptions import ImproperlyConfigured

from contentum.generation.paraphrase import (
    SYSTEM_PROMPT,
    LLMParaphraser,
    RuleParaphraser,
    get_paraphraser,
)

PROMPT = (
    "Постер для весеннего фестиваля, цветущие сакуры, пастельные тона, "
    "мягкий утренний свет, в стиле акварели"
)
rules = RuleParaphraser()


def clauses(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def test_fixes_for_what_failed_are_appended():
    result = rules.paraphrase(PROMPT, ["sharpness", "exposure"], attempt=2)

    assert result.endswith("чёткие детали, высокая резкость, сбалансированное освещение")


def test_blank_and_low_contrast_share_one_fix_written_once():
    result = rules.paraphrase(PROMPT, ["not_blank", "contrast"], attempt=2)

    assert result.count("насыщенные цвета") == 1
    assert "выразительный контраст" in result


def test_detector_without_a_known_fix_still_gets_one():
    assert "аккуратная проработка деталей" in rules.paraphrase(PROMPT, ["hands"], attempt=2)


def test_meaning_is_kept_and_the_subject_stays_first():
    result = rules.paraphrase(PROMPT, ["sharpness"], attempt=3)

    parts = clauses(result)
    assert parts[0] == "Постер для весеннего фестиваля"
    for clause in ["цветущие сакуры", "пастельные тона", "мягкий утренний свет"]:
        assert clause in parts
    assert {"в стиле акварели", "в духе акварели"} & set(parts)


def test_each_attempt_gets_its_own_wording_and_the_same_attempt_the_same():
    results = [rules.paraphrase(PROMPT, ["sharpness"], attempt=n) for n in range(2, 8)]

    assert len(set(results)) == len(results)
    assert rules.paraphrase(PROMPT, ["sharpness"], attempt=4) == results[2]


def test_synonyms_keep_grammar():
    result = rules.paraphrase("Яркий плакат на синем фоне", [], attempt=2)

    assert result.startswith("Насыщенный постер на синем заднем плане")


def test_rewriting_a_rewrite_does_not_pile_up_fixes():
    once = rules.paraphrase(PROMPT, ["sharpness"], attempt=2)

    twice = rules.paraphrase(once, ["sharpness"], attempt=3)

    assert twice.count("высокая резкость") == 1
    assert len(clauses(twice)) == len(clauses(once))


def test_censored_prompt_loses_risky_words_and_gets_a_gentler_tone():
    prompt = "Шеф-повар с ножом на кухне, кровавый закат за окном"

    result = rules.paraphrase(prompt, ["censored"], attempt=2)

    assert "нож" not in result
    assert "кровав" not in result
    assert result.startswith("Шеф-повар на кухне")
    assert "закат за окном" in result
    assert "деликатная и дружелюбная подача" in result


def test_long_prompt_fits_1000_characters_without_cutting_a_word():
    words = [f"деталь{n}" for n in range(400)]

    result = rules.paraphrase(" ".join(words), ["sharpness"], attempt=2)

    assert len(result) <= 1000
    body = result.split(",")[0].split()
    assert body == words[: len(body)]
    assert result.endswith("высокая резкость")


def fake_llm(answer):
    """Stands in for the external LLM: records what it was asked, answers as told."""
    calls = []

    def complete(system_prompt: str, user_prompt: str) -> str:
        calls.append((system_prompt, user_prompt))
        if isinstance(answer, Exception):
            raise answer
        return answer

    return complete, calls


def test_llm_answer_is_used_and_the_llm_is_told_what_failed():
    complete, calls = fake_llm("  «Весенний фестиваль: сакура в цвету, чёткие детали»  ")

    result = LLMParaphraser(complete, rules).paraphrase(PROMPT, ["sharpness"], attempt=2)

    assert result == "Весенний фестиваль: сакура в цвету, чёткие детали"
    [(system_prompt, user_prompt)] = calls
    assert system_prompt == SYSTEM_PROMPT
    assert PROMPT in user_prompt
    assert "размыто" in user_prompt
    assert "чёткие детали, высокая резкость" in user_prompt


@pytest.mark.parametrize(
    "answer",
    [TimeoutError("LLM is down"), "", "   ", "слово " * 300, PROMPT],
    ids=["exception", "empty", "blank", "too-long", "unchanged"],
)
def test_unusable_llm_answer_falls_back_to_the_rules(answer):
    complete, calls = fake_llm(answer)

    result = LLMParaphraser(complete, rules).paraphrase(PROMPT, ["sharpness"], attempt=2)

    assert calls
    assert result == rules.paraphrase(PROMPT, ["sharpness"], attempt=2)


def test_rules_never_call_the_llm_even_when_one_is_given(settings):
    settings.PARAPHRASER = "rules"
    complete, calls = fake_llm("Новый промпт")

    assert isinstance(get_paraphraser(llm_complete=complete), RuleParaphraser)
    assert not calls


def test_auto_uses_the_llm_when_one_is_configured_and_the_rules_otherwise(settings):
    settings.PARAPHRASER = "auto"
    complete, _ = fake_llm("Новый промпт про весну")

    assert isinstance(get_paraphraser(), RuleParaphraser)
    assert get_paraphraser(llm_complete=complete).paraphrase(PROMPT, [], 2) == (
        "Новый промпт про весну"
    )


def test_llm_paraphraser_is_used_when_chosen_and_an_llm_is_given(settings):
    settings.PARAPHRASER = "llm"
    complete, _ = fake_llm("Новый промпт про весну")

    paraphraser = get_paraphraser(llm_complete=complete)

    assert paraphraser.paraphrase(PROMPT, [], attempt=2) == "Новый промпт про весну"


def test_llm_chosen_without_an_llm_uses_the_rules(settings):
    settings.PARAPHRASER = "llm"

    assert isinstance(get_paraphraser(), RuleParaphraser)


def test_unknown_paraphraser_is_a_configuration_error(settings):
    settings.PARAPHRASER = "poet"

    with pytest.raises(ImproperlyConfigured, match="poet"):
        get_paraphraser()
