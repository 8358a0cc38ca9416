"""The enricher interface: turn a short answer into a richer visual description."""

from collections.abc import Mapping
from typing import Protocol


class EnrichmentFailed(Exception):
    """This enricher gave no usable text; `reason` is a short code for the audit row."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class Enricher(Protocol):
    name: str

    def enrich(self, key: str, text: str, *, context: Mapping[str, str] | None = None) -> str:
        """An expanded, Russian, visual description of `text` (the answer to `key`).

        `context` holds the other answers (style, palette, composition…) so the expansion
        fits them. Raises EnrichmentFailed when it cannot do better than the answer.
        """
        ...
