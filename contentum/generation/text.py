"""Prompt text limits shared by the providers and the paraphrasers."""

import re

# Fusion Brain refuses a longer `generateParams.query` with 400.
MAX_PROMPT_CHARS = 1000

_SPACES = re.compile(r"\s+")
_TRAILING = " ,;:—-"


def squeeze(text: str) -> str:
    """One space between words: prompts are assembled from pieces and user answers."""
    return _SPACES.sub(" ", text).strip()


def clip_words(text: str, limit: int = MAX_PROMPT_CHARS) -> str:
    """`text` cut to `limit` characters at a word boundary, so no word arrives maimed."""
    text = squeeze(text)
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rfind(" ")
    return head[:cut].rstrip(_TRAILING) if cut > 0 else ""
