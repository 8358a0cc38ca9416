"""`semantic_vector`: a bag of the words a user actually wrote, as `{term: weight}`.

Why this and not an embedding model: it needs no network and no weights, it is
deterministic and readable in the admin, and it is enough to find parameter sets about the
same thing (the dot product of two vectors is their cosine similarity, see `similarity`).

How it is built, from the raw answers only (enrichment's words would drown the user's):

1. lower-case, `ё` → `е`, split into words of letters (digits and punctuation dropped);
2. drop Russian and English stop-words and one-letter words;
3. crude Russian stemming: cut the longest known inflection ending while at least
   `MIN_STEM` letters remain (`кошки`, `кошкой` → `кошк`);
4. count each stem, weighting answers by key (`KEY_WEIGHTS`, default 1.0): the idea and
   what is in the centre say more about the picture than the platform does;
5. L2-normalise and keep the `MAX_TERMS` heaviest terms, rounded to 4 decimals.

An empty answer set gives `{}`.
"""

import math
import re
from collections import Counter
from collections.abc import Mapping

MAX_TERMS = 64
MIN_STEM = 3
KEY_WEIGHTS = {
    "idea": 2.0,
    "composition_focus": 1.5,
    "visual_associations": 1.5,
    "platform": 0.5,
    "aspect_ratio": 0.0,
}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STOP_WORDS = """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо мне может
    мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от очень по под
    при про с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей
    чем что чтобы чье чья эта эти это этот я нужно нужен нужна пусть можно
    a an and are as at be by for from in is it of on or the to with
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Longest first, so "ами" is tried before "и".
_ENDINGS = """
    ами ями ого его ому ему ыми ими ая яя ое ее ой ей ий ый ые ие ую юю ом ем
    ам ям ах ях ов ев ию ия ье ья ьи ью а я о е и ы у ю ь
"""
ENDINGS = sorted(set(_ENDINGS.split()), key=lambda ending: (-len(ending), ending))


def stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def terms(text: str) -> list[str]:
    words = WORD.findall(text.lower().replace("ё", "е"))
    return [stem(w) for w in words if len(w) > 1 and w not in STOP_WORDS]


def semantic_vector(answers: Mapping[str, str]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for key, text in answers.items():
        weight = KEY_WEIGHTS.get(key, 1.0)
        if weight <= 0 or not isinstance(text, str):
            continue
        for term in terms(text):
            counts[term] += weight
    norm = math.sqrt(sum(value * value for value in counts.values()))
    if not norm:
        return {}
    heaviest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS]
    return {term: round(value / norm, 4) for term, value in heaviest}


def similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two stored vectors (both are already unit length)."""
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())
