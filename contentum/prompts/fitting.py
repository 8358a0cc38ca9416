"""Shortening a prompt to a length limit without cutting a word in half."""

import re

SENTENCE_BOUNDARY = re.compile(r"[.!?…](?=\s|$)")
CLAUSE_BOUNDARY = re.compile(r"\s*(?:[,;]|\s[—–-])\s")  # not ":", that would leave a label
# A cut that would keep less than this share of the limit is not worth it; try a finer one.
MIN_SHARE = 0.5


def fit(text: str, limit: int) -> str:
    """`text` if it fits; else cut at the last sentence end, clause break or word break."""
    if len(text) <= limit:
        return text
    window = text[: limit + 1]  # one extra character tells whether the cut falls between words
    floor = int(limit * MIN_SHARE)

    sentence_ends = [m.end() for m in SENTENCE_BOUNDARY.finditer(window) if m.end() <= limit]
    if sentence_ends and sentence_ends[-1] >= floor:
        return text[: sentence_ends[-1]].rstrip()

    clause_starts = [m.start() for m in CLAUSE_BOUNDARY.finditer(window) if m.start() < limit]
    if clause_starts and clause_starts[-1] >= floor:
        return text[: clause_starts[-1]].rstrip() + "."

    spaces = [m.start() for m in re.finditer(r"\s", window)]
    if spaces and spaces[-1] > 0:
        return text[: spaces[-1]].rstrip(" ,;:—–-")
    if sentence_ends:
        return text[: sentence_ends[-1]].rstrip()
    return text[:limit]  # one word longer than the limit: nothing else can be done
