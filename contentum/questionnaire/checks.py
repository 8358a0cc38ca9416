"""Rules other apps add about the active scenario's question keys.

The active prompt template may only use keys the active scenario asks for. Prompts sits
above the questionnaire, so it registers its rule here (in its AppConfig.ready) rather
than the questionnaire importing prompts.
"""

from collections.abc import Callable

# Raises an ApplicationError naming what the keys would break; returns None when they fit.
KeyCheck = Callable[[list[str]], None]

_checks: list[KeyCheck] = []


def register_key_check(check: KeyCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def check_active_keys(keys: list[str]) -> None:
    """Runs every registered rule against the keys the active scenario would have."""
    for check in list(_checks):
        check(keys)
