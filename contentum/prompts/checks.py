"""System checks of the enricher's settings: an unknown ENRICHER or one without its
settings stops `make run` with one line, instead of every enrichment falling back."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# The settings each enricher cannot work without (all others have defaults).
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {
    "builtin": (),
    "gigachat": ("GIGACHAT_CREDENTIALS",),
    "openai": ("OPENAI_CHAT_BASE_URL", "OPENAI_CHAT_MODEL"),
}


@register()
def check_enricher(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """ENRICHER names a known enricher that has the settings it needs."""
    from contentum.prompts.enrichment import ENRICHERS  # the registry, once apps are ready

    name = settings.ENRICHER
    if name not in ENRICHERS:
        return [
            Error(
                f"ENRICHER={name!r} is unknown; use one of: {', '.join(ENRICHERS)}.",
                hint="Set ENRICHER in the environment or .env.",
                id="prompts.E001",
            )
        ]
    required = REQUIRED_SETTINGS.get(name, ())
    missing = [n for n in required if not str(getattr(settings, n, "") or "").strip()]
    if not missing:
        url = str(settings.OPENAI_CHAT_BASE_URL).strip() if name == "openai" else ""
        if not url or (urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc):
            return []
        return [
            Error(
                "ENRICHER=openai needs OPENAI_CHAT_BASE_URL to be an http(s) address, e.g. "
                "http://localhost:11434/v1.",
                hint="Fix OPENAI_CHAT_BASE_URL in the environment or .env.",
                id="prompts.E003",
            )
        ]
    return [
        Error(
            f"ENRICHER={name} needs {' and '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} empty.",
            hint=f"Set {', '.join(missing)} in the environment or .env, "
            "or choose another ENRICHER (builtin works offline).",
            id="prompts.E002",
        )
    ]
