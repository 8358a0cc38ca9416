"""Settings of the prompts domain, read from the environment.

Enrichment expands short answers before the prompt is assembled. `builtin` works offline;
`gigachat` calls GigaChat through the official SDK and falls back to `builtin` on any failure.
"""

from contentum.settings.environment import env

# --- Enrichment -------------------------------------------------------------------------
ENRICHER = env("ENRICHER", default="builtin")  # builtin | gigachat | openai
# Answers to these keys shorter than ENRICH_MAX_SHORT_LENGTH characters get expanded.
ENRICH_KEYS = env.list("ENRICH_KEYS", default=["idea", "visual_associations"])
ENRICH_MAX_SHORT_LENGTH = env.int("ENRICH_MAX_SHORT_LENGTH", default=80)
# An expansion longer than this is refused (the LLM one falls back to the built-in one).
ENRICH_MAX_LENGTH = env.int("ENRICH_MAX_LENGTH", default=300)
# How long a web request (POST promptparameters/) waits for the LLM's enrichment before it
# stores the built-in one instead. A chat's final answer never waits: its worker enriches.
ENRICH_REQUEST_BUDGET_SECONDS = env.float("ENRICH_REQUEST_BUDGET_SECONDS", default=2.0)

# --- GigaChat (official `gigachat` SDK) -------------------------------------------------
# The authorization key from the GigaChat studio (base64 of client_id:client_secret).
GIGACHAT_CREDENTIALS = env("GIGACHAT_CREDENTIALS", default="")
GIGACHAT_SCOPE = env("GIGACHAT_SCOPE", default="GIGACHAT_API_PERS")
GIGACHAT_MODEL = env("GIGACHAT_MODEL", default="GigaChat")
# Empty means the SDK's own defaults (its public API and OAuth addresses).
GIGACHAT_BASE_URL = env("GIGACHAT_BASE_URL", default="")
GIGACHAT_AUTH_URL = env("GIGACHAT_AUTH_URL", default="")
# The Russian Ministry of Digital Development root CA, when the system store lacks it.
GIGACHAT_CA_BUNDLE_FILE = env("GIGACHAT_CA_BUNDLE_FILE", default="")
GIGACHAT_VERIFY_SSL = env.bool("GIGACHAT_VERIFY_SSL", default=True)
GIGACHAT_TIMEOUT_SECONDS = env.float("GIGACHAT_TIMEOUT_SECONDS", default=8.0)
# Retries after 429, 5xx and connection errors (not after a timeout: a slow server stays slow).
GIGACHAT_MAX_RETRIES = env.int("GIGACHAT_MAX_RETRIES", default=1)
GIGACHAT_RETRY_BACKOFF_SECONDS = env.float("GIGACHAT_RETRY_BACKOFF_SECONDS", default=0.5)
# A 429 asking to wait longer than this is not waited for: the caller falls back at once.
GIGACHAT_RETRY_AFTER_MAX_SECONDS = env.float("GIGACHAT_RETRY_AFTER_MAX_SECONDS", default=5.0)

# --- An OpenAI-compatible chat endpoint (ENRICHER=openai) -------------------------------
# Ollama, vLLM, LiteLLM, LocalAI, OpenAI…: the base URL ending in /v1, a key (empty for
# servers that need none) and the model. The paraphraser uses it too when ENRICHER=openai.
OPENAI_CHAT_BASE_URL = env("OPENAI_CHAT_BASE_URL", default="")
OPENAI_CHAT_API_KEY = env("OPENAI_CHAT_API_KEY", default="")
OPENAI_CHAT_MODEL = env("OPENAI_CHAT_MODEL", default="")
# Ask for a JSON object (`response_format`) where the server supports it; a server that
# refuses the parameter is asked again without it.
OPENAI_CHAT_JSON_MODE = env.bool("OPENAI_CHAT_JSON_MODE", default=True)
OPENAI_CHAT_TIMEOUT_SECONDS = env.float("OPENAI_CHAT_TIMEOUT_SECONDS", default=20.0)
