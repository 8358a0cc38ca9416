"""The active brand kit reaches every prompt: its colours by name (through
`{brand_colors}` or appended), its style words and negative prompt; and the LLM enricher
sees the colours as context (issue 16, brand kit)."""

import pytest

from contentum.design.models import BrandKit
from contentum.prompts.enrichment import enrich_parameters
from contentum.prompts.services import prompt_assemble_requested
from contentum.prompts.tests.fake_gigachat import CHAT_PATH

pytestmark = pytest.mark.django_db

ANSWERS = {"idea": "Афиша спектакля", "event_name": "Вишнёвый сад"}


@pytest.fixture
def theatre_kit():
    return BrandKit.objects.create(
        name="Театр",
        is_active=True,
        colors=[{"hex": "#7B1E2B", "role": "primary"}, {"hex": "#F5E6C8", "role": "text"}],
        style_words="театральная афиша",
        negative_prompt="кислотные цвета",
    )


def test_every_prompt_names_the_brand_colours_and_carries_its_words(employee, theatre_kit):
    history = prompt_assemble_requested(user=employee, parameters=ANSWERS)

    assert history.assembled_prompt.endswith(
        "Фирменные цвета: бордовый, кремовый. Театральная афиша."
    )
    assert history.negative_prompt.endswith("кислотные цвета")
    assert history.values["brand_colors"] == "бордовый, кремовый"


def test_without_a_kit_the_prompt_has_no_brand_part(employee):
    history = prompt_assemble_requested(user=employee, parameters=ANSWERS)

    assert "Фирменные цвета" not in history.assembled_prompt


def test_the_llm_enricher_sees_the_brand_colours(gigachat, theatre_kit):
    enrich_parameters(answers={"idea": "кот на крыше", "event_name": "Вишнёвый сад"})

    [request] = gigachat.seen(CHAT_PATH)
    user = request.json()["messages"][1]["content"]
    assert "фирменные цвета — бордовый, кремовый" in user
