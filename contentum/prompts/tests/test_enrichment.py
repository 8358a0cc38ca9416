import pytest

from contentum.audit.models import AuditLog
from contentum.prompts.enrichment import EnrichedParameters, enrich_parameters, keys_to_enrich
from contentum.prompts.enrichment.base import EnrichmentFailed
from contentum.prompts.enrichment.builtin import BuiltinEnricher
from contentum.prompts.tests.factories import ANSWERS

FALLBACK = "prompt.enrichment_fallback"


def test_builtin_expansion_is_deterministic_russian_and_uses_the_other_answers():
    enricher = BuiltinEnricher()
    text = enricher.enrich("idea", "кот на крыше", context=ANSWERS)
    assert text == enricher.enrich("idea", "кот на крыше", context=ANSWERS)
    assert text.startswith("кот на крыше — ")
    assert "рыжий кот" not in text  # the template places the composition focus, once
    assert "акварельные" in text  # the style's texture
    assert "тёплый золотистый свет" in text  # the palette's light


def test_builtin_expansion_changes_with_the_context_not_a_fixed_suffix():
    enricher = BuiltinEnricher()
    watercolour = enricher.enrich("idea", "кот на крыше", context=ANSWERS)
    neon = enricher.enrich(
        "idea",
        "кот на крыше",
        context={**ANSWERS, "visual_style": "Киберпанк", "color_palette": "Холодные тона"},
    )
    bare = enricher.enrich("idea", "кот на крыше", context={})
    assert len({watercolour, neon, bare}) == 3
    assert "неоновые" in neon and "прохладный" in neon
    dog = enricher.enrich("idea", "собака в парке", context={})
    assert dog.removeprefix("собака в парке") != bare.removeprefix("кот на крыше")


def test_builtin_expansion_of_associations_keeps_the_users_words_first():
    text = BuiltinEnricher().enrich("visual_associations", "луна, трубы", context=ANSWERS)
    assert text.startswith("луна, трубы — ")
    assert "рыжий кот" not in text  # the template places the composition focus, once


def test_builtin_expansion_respects_the_length_limit(settings):
    settings.ENRICH_MAX_LENGTH = 60
    text = BuiltinEnricher().enrich("idea", "кот на крыше", context=ANSWERS)
    assert len(text) <= 60
    assert text.startswith("кот на крыше")


def test_only_short_answers_to_the_configured_keys_are_enriched(settings):
    answers = {"idea": "кот", "visual_associations": "я" * 80, "event_name": "Чайка"}
    assert keys_to_enrich(answers) == ["idea"]
    assert keys_to_enrich({"idea": "-", "visual_associations": "  "}) == []
    settings.ENRICH_KEYS = ["event_name"]
    assert keys_to_enrich(answers) == ["event_name"]


@pytest.mark.django_db
def test_enrichment_keeps_the_raw_answers_apart_from_what_it_produced():
    answers = {"idea": "кот на крыше", "visual_associations": "луна", "visual_style": "Акварель"}
    result = enrich_parameters(answers=answers)
    assert result.answers == answers
    assert set(result.enriched) == {"idea", "visual_associations"}
    assert result.enrichers == {"idea": "builtin", "visual_associations": "builtin"}
    assert result.fallbacks == {}
    assert result.values["idea"] == result.enriched["idea"]
    assert result.values["visual_style"] == "Акварель"
    assert result.enrichment == {
        "idea": {"enricher": "builtin"},
        "visual_associations": {"enricher": "builtin"},
    }
    assert not AuditLog.objects.exists()


class BrokenEnricher:
    name = "broken"

    def __init__(self, error: Exception | None = None, text: str = "") -> None:
        self.error, self.text = error, text

    def enrich(self, key, text, *, context=None):
        if self.error:
            raise self.error
        return self.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("enricher", "reason"),
    [
        (BrokenEnricher(EnrichmentFailed("timeout")), "timeout"),
        (BrokenEnricher(RuntimeError("bug")), "error"),
        (BrokenEnricher(text="   "), "empty"),
        (BrokenEnricher(text="я" * 301), "too_long"),
    ],
)
def test_a_failing_enricher_falls_back_to_the_builtin_one_with_an_audit_row(
    settings, monkeypatch, employee, enricher, reason
):
    from contentum.prompts import enrichment

    monkeypatch.setitem(enrichment.ENRICHERS, "broken", lambda: enricher)
    settings.ENRICHER = "broken"
    result = enrich_parameters(answers={"idea": "кот на крыше"}, user=employee)
    assert result.enrichers == {"idea": "builtin"}
    assert result.fallbacks == {"idea": reason}
    assert result.enriched["idea"] == BuiltinEnricher().enrich("idea", "кот на крыше", context={})
    assert result.enrichment == {
        "idea": {"enricher": "builtin", "fallback_from": "broken", "reason": reason}
    }
    row = AuditLog.objects.get(action=FALLBACK)
    assert row.actor == employee
    assert row.details == {
        "key": "idea",
        "enricher": "broken",
        "reason": reason,
        "fallback": "builtin",
    }


@pytest.mark.django_db
def test_an_unknown_enricher_setting_falls_back_instead_of_failing(settings):
    settings.ENRICHER = "nonexistent"
    result = enrich_parameters(answers={"idea": "кот"})
    assert result.fallbacks == {"idea": "unknown_enricher"}
    assert AuditLog.objects.filter(action=FALLBACK).count() == 1


def test_enriched_parameters_default_to_nothing_enriched():
    assert EnrichedParameters(answers={"idea": "кот"}).values == {"idea": "кот"}
