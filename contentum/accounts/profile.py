"""What `users/me/` shows beside the account itself, added by the apps that own it.

Accounts sit below every other app and import none of them: an app that has something to
tell a user about themselves (generation: the monthly image quota) registers a section at
start-up, in its AppConfig.ready().
"""

from collections.abc import Callable
from typing import Any

_sections: dict[str, Callable[[Any], Any]] = {}


def register_section(name: str, build: Callable[[Any], Any]) -> None:
    _sections[name] = build


def profile_sections(user: Any) -> dict[str, Any]:
    return {name: build(user) for name, build in _sections.items()}
