"""System checks of the image provider's settings, so a wrong configuration stops `make run`
(migrate and `manage.py check` run them) with one line instead of failing every generation.

The provider modules are not imported: a check must not need a provider's SDK or network.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from contentum.generation.providers.base import PROVIDERS

# The settings each provider cannot work without (all others have defaults).
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {
    "simulation": (),
    "kandinsky": ("KANDINSKY_API_KEY", "KANDINSKY_SECRET_KEY"),
    "openai": ("OPENAI_IMAGE_BASE_URL", "OPENAI_IMAGE_MODEL"),
    "gigachat": ("GIGACHAT_CREDENTIALS", "GIGACHAT_IMAGE_MODEL"),
}
# Settings that must be an http(s) address when set.
URL_SETTINGS: dict[str, tuple[str, ...]] = {
    "kandinsky": ("KANDINSKY_BASE_URL",),
    "openai": ("OPENAI_IMAGE_BASE_URL",),
}


def missing_settings(names: Sequence[str]) -> list[str]:
    """The settings among `names` that are unset or blank."""
    return [name for name in names if not str(getattr(settings, name, "") or "").strip()]


def not_http_urls(names: Sequence[str]) -> list[str]:
    """The settings among `names` that are set but not an http(s) address."""
    values = {name: str(getattr(settings, name, "") or "").strip() for name in names}
    return [
        name
        for name, value in values.items()
        if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc)
    ]


@register()
def check_image_provider(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """IMAGE_PROVIDER names a known provider that has the settings it needs."""
    name = settings.IMAGE_PROVIDER
    if name not in PROVIDERS:
        return [
            Error(
                f"IMAGE_PROVIDER={name!r} is unknown; use one of: {', '.join(PROVIDERS)}.",
                hint="Set IMAGE_PROVIDER in the environment or .env.",
                id="generation.E001",
            )
        ]
    missing = missing_settings(REQUIRED_SETTINGS.get(name, ()))
    if missing:
        return [
            Error(
                f"IMAGE_PROVIDER={name} needs {' and '.join(missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} empty.",
                hint=f"Set {', '.join(missing)} in the environment or .env, "
                "or choose another IMAGE_PROVIDER.",
                id="generation.E002",
            )
        ]
    # The value is not repeated: an address may carry a password.
    return [
        Error(
            f"IMAGE_PROVIDER={name} needs {url} to be an http(s) address.",
            hint=f"Fix {url} in the environment or .env.",
            id="generation.E003",
        )
        for url in not_http_urls(URL_SETTINGS.get(name, ()))
    ]
