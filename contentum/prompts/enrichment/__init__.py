"""Enrichment: short answers become richer visual descriptions before the prompt is assembled.

Which answers: those to `ENRICH_KEYS` shorter than `ENRICH_MAX_SHORT_LENGTH` characters (and
not skipped). Which enricher: `ENRICHER` (`builtin`, `gigachat` or `openai`). When the
configured one fails (refusal, error, timeout, an over-long answer) the built-in one takes
over; the result says so per key and an audit row `prompt.enrichment_fallback` records the
reason.

The answers themselves are never changed: the result keeps them apart from what enrichment
produced and from which enricher produced it.
"""

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from contentum.design.engine import colour_names
from contentum.design.selectors import active_brand_kit, brand_palette
from contentum.prompts import events
from contentum.prompts.enrichment.base import Enricher, EnrichmentFailed
from contentum.prompts.enrichment.builtin import BuiltinEnricher
from contentum.prompts.enrichment.gigachat import GigaChatEnricher
from contentum.prompts.enrichment.openai import OpenAIChatEnricher
from contentum.prompts.templating import clean_value

__all__ = [
    "EnrichedParameters",
    "Enricher",
    "EnrichmentFailed",
    "enrich_parameters",
    "enrichment_is_local",
]

logger = logging.getLogger(__name__)

ENRICHERS: dict[str, type] = {
    "builtin": BuiltinEnricher,
    "gigachat": GigaChatEnricher,
    "openai": OpenAIChatEnricher,
}


@dataclass(frozen=True)
class EnrichedParameters:
    """The answers as given, what enrichment made of the short ones, and who made it."""

    answers: dict[str, str]
    enriched: dict[str, str] = field(default_factory=dict)
    enrichers: dict[str, str] = field(default_factory=dict)  # key → enricher that wrote it
    fallbacks: dict[str, str] = field(default_factory=dict)  # key → why the configured one failed
    configured: str = "builtin"  # the ENRICHER in force when this was produced

    @property
    def values(self) -> dict[str, str]:
        return {**self.answers, **self.enriched}

    @property
    def enrichment(self) -> dict[str, dict[str, str]]:
        """What `PromptParameters.enrichment` stores: per key, the enricher and any fallback."""
        record: dict[str, dict[str, str]] = {}
        for key, name in self.enrichers.items():
            record[key] = {"enricher": name}
            if key in self.fallbacks:
                record[key] |= {"fallback_from": self.configured, "reason": self.fallbacks[key]}
        return record


def keys_to_enrich(answers: Mapping[str, str]) -> list[str]:
    limit = settings.ENRICH_MAX_SHORT_LENGTH
    return [
        key
        for key in settings.ENRICH_KEYS
        if isinstance(answers.get(key), str) and 0 < len(clean_value(answers[key])) < limit
    ]


def enrichment_is_local() -> bool:
    """Whether enrichment never waits on the network (the built-in enricher, also the
    stand-in for an unknown one), so a caller may run it while holding a lock."""
    return ENRICHERS.get(settings.ENRICHER, BuiltinEnricher) is BuiltinEnricher


def _context(answers: Mapping[str, str]) -> dict[str, str]:
    """What the enricher sees beside the answer: the other answers and the brand colours."""
    names = colour_names(brand_palette(active_brand_kit()))
    return {**answers, "brand_colors": ", ".join(names)} if names else dict(answers)


def _attempt(enricher: Enricher, key: str, context: Mapping[str, str]) -> tuple[str, str]:
    """(text, "") on success, ("", reason) on failure. Never raises."""
    try:
        text = enricher.enrich(key, context[key], context=context)
    except EnrichmentFailed as exc:
        logger.warning("%s enrichment of %s failed: %s (%s)", enricher.name, key, exc.reason, exc)
        return "", exc.reason
    except Exception:
        logger.exception("%s enrichment of %s crashed", enricher.name, key)
        return "", "error"
    if not text.strip():
        return "", "empty"
    if len(text) > settings.ENRICH_MAX_LENGTH:
        return "", "too_long"
    return text, ""


def _attempt_all(
    enricher: Enricher, keys: list[str], answers: Mapping[str, str], budget: float | None
) -> list[tuple[str, str]]:
    """One network call per key, side by side. Past `budget` seconds the keys still waiting
    fail as `over_budget` (their calls finish in the background, unused), so a request that
    enriches answers in time however slow the LLM is."""
    pool = ThreadPoolExecutor(max_workers=min(len(keys), 4))
    futures = [pool.submit(_attempt, enricher, key, answers) for key in keys]
    wait(futures, timeout=budget)
    pool.shutdown(wait=False, cancel_futures=True)
    return [future.result() if future.done() else ("", "over_budget") for future in futures]


def enrich_parameters(
    *,
    answers: Mapping[str, str],
    user: Any = None,
    budget_seconds: float | None = None,
    local_only: bool = False,
) -> EnrichedParameters:
    """Expands the short answers. May call the network; writes only fallback audit rows.

    `user`, when given, is named as the actor of those audit rows. `budget_seconds` bounds
    the wait for the network (a web request passes it); `local_only` uses the built-in
    enricher whatever is configured (a first draft that a worker improves later).
    """
    answers = dict(answers)
    keys = keys_to_enrich(answers)
    configured = "builtin" if local_only else settings.ENRICHER
    builtin = BuiltinEnricher()
    enricher_class = ENRICHERS.get(configured)
    if enricher_class is None:
        logger.error("Unknown ENRICHER %r: using the built-in one", configured)
        results = [("", "unknown_enricher") for _ in keys]
    elif enricher_class is BuiltinEnricher:
        enricher = enricher_class()
        results = [_attempt(enricher, key, answers) for key in keys]
    elif len(keys) < 2 and budget_seconds is None:
        enricher, context = enricher_class(), _context(answers)
        results = [_attempt(enricher, key, context) for key in keys]
    elif keys:
        results = _attempt_all(enricher_class(), keys, _context(answers), budget_seconds)
    else:
        results = []

    enriched, enrichers, fallbacks = {}, {}, {}
    for key, (text, reason) in zip(keys, results, strict=True):
        if reason:
            text = builtin.enrich(key, answers[key], context=answers)
            fallbacks[key] = reason
            events.enrichment_fallback(user=user, key=key, enricher=configured, reason=reason)
        if text:
            enriched[key] = text
            enrichers[key] = builtin.name if reason else configured
    return EnrichedParameters(
        answers=answers,
        enriched=enriched,
        enrichers=enrichers,
        fallbacks=fallbacks,
        configured=configured,
    )
