"""The offline enricher: a deterministic Russian expansion built from the answer and its context.

It works like a careful prompt writer with a phrase book: it keeps the user's words first
(as typed; the template decides capitals), then adds what the other answers imply — a
clear centre for the composition, the texture of the chosen style, the light of the chosen
palette — and a closing phrase about depth and detail. It never repeats another answer
(the composition focus, a style or palette name): the template places each answer once,
and an enriched text that quoted them made the prompt say them twice («…в центре внимания
Силуэт…. В центре композиции: Силуэт…»). It also avoids the words the derived
placeholders (`{style_hint}`, `{mood_hint}`…) put in the template, so the prompt does not
say the same thing twice. The wording is picked by a checksum of the answer: the same
answers always give the same text, different ones read differently.
"""

import zlib
from collections.abc import Mapping

from django.conf import settings

from contentum.prompts import vocabulary
from contentum.prompts.fitting import fit
from contentum.prompts.templating import clean_value

SCENES = ("выразительная сцена", "атмосферный сюжет", "живая цельная сцена")
CLOSINGS = (
    "продуманные передний и задний планы",
    "глубина пространства и чёткий фокус на главном",
    "выразительные детали и ясный силуэт главного объекта",
)
NO_FOCUS = (
    "главный объект крупно в центре кадра",
    "главный объект выделен светом и резкостью",
    "один ясный смысловой центр композиции",
)
PLACEMENTS = (
    "узнаваемые детали на втором плане и по краям кадра",
    "повторяющиеся элементы, которые задают ритм композиции",
    "мягкие акценты вокруг главного объекта",
)


def _pick(options: tuple[str, ...], seed: int, shift: int = 0) -> str:
    return options[(seed >> shift) % len(options)]


class BuiltinEnricher:
    name = "builtin"

    def enrich(self, key: str, text: str, *, context: Mapping[str, str] | None = None) -> str:
        context = {k: clean_value(v) for k, v in (context or {}).items()}
        subject = clean_value(text)
        if not subject:
            return ""
        seed = zlib.crc32(f"{key}:{subject.casefold()}".encode())
        style, palette = context.get("visual_style", ""), context.get("color_palette", "")
        # Only words the vocabulary has for a known style or palette: never their names.
        texture = vocabulary.lookup(vocabulary.STYLE_TEXTURES, style)
        light = vocabulary.lookup(vocabulary.PALETTE_LIGHT, palette)

        if key == "visual_associations":
            head = f"{subject} — {_pick(PLACEMENTS, seed)}"
            parts = [
                "не спорят с главным" if context.get("composition_focus") else "",
                "в общей гамме сцены" if palette else "",
            ]
        else:
            head = f"{subject} — {_pick(SCENES, seed)}"
            parts = [_pick(NO_FOCUS, seed, 4), texture, light, _pick(CLOSINGS, seed, 8)]
        return self._join(head, [part for part in parts if part])

    @staticmethod
    def _join(head: str, parts: list[str]) -> str:
        """Drops trailing parts until the text fits ENRICH_MAX_LENGTH (the head always stays)."""
        limit = settings.ENRICH_MAX_LENGTH
        while parts:
            text = f"{head}: {'; '.join(parts)}."
            if len(text) <= limit:
                return text
            parts = parts[:-1]
        return fit(f"{head}.", limit)
