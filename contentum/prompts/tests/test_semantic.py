import math

from contentum.prompts.semantic import semantic_vector, similarity, stem, terms


def test_terms_are_lowercased_stemmed_and_free_of_stop_words():
    assert terms("Кошки и КОШКОЙ на крыше, 2025!") == ["кошк", "кошк", "крыш"]
    assert terms("Ёлка") == ["елк"]


def test_stemming_keeps_short_stems():
    assert stem("кот") == "кот"
    assert stem("коты") == "кот"
    assert stem("радостью") == "радост"


def test_the_vector_is_l2_normalised_and_weighted_by_key():
    vector = semantic_vector({"idea": "кот на крыше", "platform": "Telegram"})
    assert math.isclose(sum(w * w for w in vector.values()), 1.0, abs_tol=1e-3)
    assert vector["кот"] > vector["telegram"]


def test_aspect_ratio_and_empty_answers_add_nothing():
    assert semantic_vector({"aspect_ratio": "16:9", "idea": ""}) == {}
    assert semantic_vector({}) == {}


def test_similar_answers_are_closer_than_different_ones():
    cat = semantic_vector({"idea": "рыжий кот на крыше"})
    cats = semantic_vector({"idea": "рыжие коты на крышах"})
    car = semantic_vector({"idea": "синий автомобиль в городе"})
    assert similarity(cat, cats) > 0.9
    assert similarity(cat, car) == 0
