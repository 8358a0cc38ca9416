"""A small completion call over GigaChat, shared by enrichment and the generation paraphraser.

One SDK client per process and use (per settings), so the OAuth token is reused across
requests.
What the official SDK does right, and we rely on: it keeps the token until a minute before
its `expires_at`, refreshing it under a lock (one OAuth call for many requests, even across
threads), and on a 401 it drops the token, fetches a new one and repeats the request once.

What we do ourselves: retries (the SDK's own are switched off). Its retry sleeps for
whatever `Retry-After` says, without a cap, plus up to half a second of jitter, and it
retries timeouts; inside a web request a 429 asking for a minute, or a slow server retried
twice, is worse than falling back. Here: 429 (waiting at most
`GIGACHAT_RETRY_AFTER_MAX_SECONDS`), 5xx and connection errors are retried up to
`GIGACHAT_MAX_RETRIES` times with exponential backoff; a timeout is not retried.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

import httpx
from django.conf import settings
from gigachat import GigaChat
from gigachat.exceptions import (
    AuthenticationError,
    ForbiddenError,
    GigaChatException,
    RateLimitError,
    ResponseError,
    ServerError,
)
from gigachat.models import Chat, ChatCompletion, Messages, MessagesRole

logger = logging.getLogger(__name__)


class LLMError(Exception):
    """The model gave no usable answer. `reason` is a short code for logs and audit rows."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or f"GigaChat: {reason}")
        self.reason = reason


class LLMRefused(LLMError):
    """The model declined the request (`finish_reason: "blacklist"`)."""

    def __init__(self) -> None:
        super().__init__("blacklist", "GigaChat отказался отвечать на запрос (blacklist).")


_lock = threading.Lock()
# One client per use: "text" (enrichment, paraphrase) and any other use that needs its own
# timeout (drawing waits a minute where a web request waits seconds). Each keeps its token.
_cached: dict[str, tuple[tuple, GigaChat]] = {}


def llm_configured() -> bool:
    return bool(settings.GIGACHAT_CREDENTIALS)


def _config(timeout: float) -> tuple:
    return (
        os.getpid(),  # a forked worker must not share the parent's connections
        settings.GIGACHAT_CREDENTIALS,
        settings.GIGACHAT_SCOPE,
        settings.GIGACHAT_MODEL,
        settings.GIGACHAT_BASE_URL,
        settings.GIGACHAT_AUTH_URL,
        settings.GIGACHAT_CA_BUNDLE_FILE,
        settings.GIGACHAT_VERIFY_SSL,
        timeout,
    )


def shared_client(purpose: str = "text", *, timeout: float | None = None) -> GigaChat:
    """The process's GigaChat client for one use, rebuilt only when the settings change.

    The SDK's timeout belongs to the client, so a use with another timeout (`timeout`, by
    default GIGACHAT_TIMEOUT_SECONDS) gets a client of its own under its own `purpose`; each
    client fetches its OAuth token once and reuses it until it expires. SDK retries are off.
    """
    timeout = settings.GIGACHAT_TIMEOUT_SECONDS if timeout is None else timeout
    config = _config(timeout)
    with _lock:
        cached = _cached.get(purpose)
        if cached is not None and cached[0] == config:
            return cached[1]
        old = _cached.pop(purpose, None)
        client = GigaChat(
            credentials=settings.GIGACHAT_CREDENTIALS,
            scope=settings.GIGACHAT_SCOPE,
            model=settings.GIGACHAT_MODEL,
            base_url=settings.GIGACHAT_BASE_URL or None,
            auth_url=settings.GIGACHAT_AUTH_URL or None,
            ca_bundle_file=settings.GIGACHAT_CA_BUNDLE_FILE or None,
            verify_ssl_certs=settings.GIGACHAT_VERIFY_SSL,
            timeout=timeout,
            max_retries=0,
        )
        _cached[purpose] = (config, client)
    if old is not None and old[0][0] == os.getpid():
        old[1].close()
    return client


def get_client() -> GigaChat:
    """The process's GigaChat client for text, rebuilt only when the settings change."""
    return shared_client("text")


def reset_client() -> None:
    """Forgets the clients (and their tokens). For tests and after a credentials change."""
    with _lock:
        old = list(_cached.values())
        _cached.clear()
    for config, client in old:
        if config[0] == os.getpid():
            client.close()


def _backoff(attempt: int) -> float:
    return settings.GIGACHAT_RETRY_BACKOFF_SECONDS * (2**attempt)


def _call_with_retries(client: GigaChat, payload: Chat) -> ChatCompletion:
    attempts = max(settings.GIGACHAT_MAX_RETRIES, 0) + 1
    for attempt in range(attempts):
        try:
            return client.chat(payload)
        except RateLimitError as exc:
            wait = exc.retry_after or _backoff(attempt)
            if wait > settings.GIGACHAT_RETRY_AFTER_MAX_SECONDS:
                raise LLMError("rate_limited", f"GigaChat просит подождать {wait:g} с") from exc
            error: LLMError = LLMError("rate_limited")
        except ServerError as exc:
            wait, error = _backoff(attempt), LLMError("server_error", str(exc.status_code))
        except httpx.TimeoutException as exc:
            raise LLMError("timeout", "GigaChat не ответил вовремя") from exc
        except httpx.TransportError as exc:
            wait, error = _backoff(attempt), LLMError("connection", str(exc))
        except (AuthenticationError, ForbiddenError) as exc:
            raise LLMError("auth", f"GigaChat отказал в доступе: {exc.status_code}") from exc
        except ResponseError as exc:
            raise LLMError(f"http_{exc.status_code}") from exc
        except ValueError as exc:  # undecodable JSON or an answer of the wrong shape
            raise LLMError("malformed", str(exc)[:200]) from exc
        except GigaChatException as exc:
            raise LLMError("error", str(exc)[:200]) from exc
        if attempt + 1 < attempts:
            logger.info("GigaChat: %s, retry %d in %.2fs", error.reason, attempt + 1, wait)
            time.sleep(wait)
    raise error


def llm_complete(
    system_prompt: str,
    user_prompt: str,
    *,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> str:
    """The model's answer to one system + user message, or LLMError (LLMRefused) saying why."""
    if not llm_configured():
        raise LLMError("not_configured", "GIGACHAT_CREDENTIALS не заданы")
    payload = Chat(
        model=settings.GIGACHAT_MODEL,
        messages=[
            Messages(role=MessagesRole.SYSTEM, content=system_prompt),
            Messages(role=MessagesRole.USER, content=user_prompt),
        ],
        temperature=temperature,
        max_tokens=max_tokens,
    )
    try:
        completion = _call_with_retries(get_client(), payload)
    except LLMError:
        raise
    except Exception as exc:  # an SDK bug must not take the caller down with it
        logger.exception("GigaChat call failed unexpectedly")
        raise LLMError("error", str(exc)[:200]) from exc

    if not completion.choices:
        raise LLMError("malformed", "в ответе нет вариантов")
    choice = completion.choices[0]
    if choice.finish_reason == "blacklist":
        raise LLMRefused()
    if choice.finish_reason == "length":
        raise LLMError("truncated", "ответ обрезан по длине")
    if choice.finish_reason == "error":
        raise LLMError("error", "модель завершила ответ с ошибкой")
    text = (choice.message.content or "").strip()
    if not text:
        raise LLMError("empty", "пустой ответ")
    return text


def configured_completion() -> Callable[[str, str], str] | None:
    """The `complete(system_prompt, user_prompt)` of the LLM in force, for the paraphraser:
    the OpenAI-compatible endpoint when ENRICHER=openai and OPENAI_CHAT_BASE_URL is set,
    else GigaChat when its credentials are, else None (the paraphraser then uses its rules).
    One LLM for both enrichment and paraphrase, so an operator configures one server."""
    if settings.ENRICHER == "openai" and settings.OPENAI_CHAT_BASE_URL:
        from contentum.prompts.openai_chat import openai_chat_complete  # it imports us

        return openai_chat_complete
    return llm_complete if llm_configured() else None
