"""A poster's quality score, 0–100: how far its measured qualities clear their thresholds.

Only checks where more is better and the value is a number count. Each scores on a log
scale from its threshold (0: just passed) to a level we call excellent (1), so that
doubling a margin counts the same at any size; the legibility of the text and the
brand's palette weigh most, for they decide whether a poster can be published. The
weighted mean makes 90 of the 100 points; the last 10 go to a poster that passed at its
first attempt, less for each regeneration it needed. Comparable between the variants of
one brief, which share a size, a text and a brand kit.
"""

import math
from typing import Any

# name: (excellent value as a multiple of the threshold, weight)
SCORED_CHECKS: dict[str, tuple[float, float]] = {
    "text_contrast": (3.0, 3.0),  # 4.5:1 passes; 13.5:1 reads from across the street
    "palette": (3.0, 2.0),
    "logo_contrast": (3.0, 1.0),
    "contrast": (6.0, 1.0),
    "sharpness": (150.0, 1.0),
    "not_blank": (8.0, 0.5),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scored(check: dict[str, Any]) -> tuple[float, float] | None:
    """(0…1 between the threshold and excellent, weight), or None for a check not scored."""
    rule = SCORED_CHECKS.get(check.get("name", ""))
    value, threshold = check.get("value"), check.get("threshold")
    if rule is None or not (_is_number(value) and _is_number(threshold)) or threshold <= 0:
        return None
    excellent, weight = rule
    if value <= threshold:
        return 0.0, weight
    return min(math.log(value / threshold) / math.log(excellent), 1.0), weight


def quality_score(report: dict[str, Any] | None, *, attempt: int, max_attempts: int) -> float:
    """The score of a passed attempt's report (`QualityReport.to_dict()`)."""
    scored = [s for s in map(_scored, (report or {}).get("checks", [])) if s is not None]
    weights = sum(weight for _, weight in scored)
    measured = sum(part * weight for part, weight in scored) / weights if weights else 0.5
    first_try = max(1.0 - (attempt - 1) / max(max_attempts, 1), 0.0)
    return round(90 * measured + 10 * first_try, 1)
