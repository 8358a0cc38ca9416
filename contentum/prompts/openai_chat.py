"""A small completion call over an OpenAI-compatible chat endpoint (ENRICHER=openai).

`POST {OPENAI_CHAT_BASE_URL}/chat/completions`, the one route Ollama, vLLM, LiteLLM,
LocalAI, llama.cpp and OpenAI all serve alike. Failures raise the `LLMError`/`LLMRefused`
of `contentum.prompts.llm`, with the same reason codes as GigaChat, so the enricher and the
paraphraser treat both LLMs alike.

One httpx client per process and configuration (kept-alive connections; a forked worker
builds its own). Retries follow llm.py's policy: 429 (waiting at most
`RETRY_AFTER_MAX_SECONDS`), 5xx and connection errors are retried up to `MAX_RETRIES` times
with exponential backoff; a timeout is not (a slow server stays slow, and the caller has a
fallback). Those three have module defaults; a setting of the same name prefixed
`OPENAI_CHAT_` overrides them, so they can become environment settings without a change here.

JSON mode: a caller passing `json_mode=True` (with `OPENAI_CHAT_JSON_MODE` on) gets
`response_format: {"type": "json_object"}` sent. Servers that do not know the parameter
answer 400 (or 422) naming it; the request is then repeated at once without it, and the
server is remembered as such for the life of the process.
"""

import logging
import os
import threading
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings

from contentum.prompts.llm import LLMError, LLMRefused

logger = logging.getLogger(__name__)

MAX_RETRIES = 1
RETRY_BACKOFF_SECONDS = 0.5
RETRY_AFTER_MAX_SECONDS = 5.0
JSON_OBJECT = {"type": "json_object"}


class ContentFiltered(LLMRefused):
    """The server's content filter stopped the answer (`finish_reason: "content_filter"`)."""

    def __init__(self, message: str = "") -> None:
        LLMError.__init__(
            self, "content_filter", message or "Модель отказалась отвечать (content_filter)."
        )


_lock = threading.Lock()
_cached: tuple[tuple, httpx.Client] | None = None
# (base URL, model) of the servers that refused `response_format` in this process.
_no_json_mode: set[tuple[str, str]] = set()


def openai_chat_configured() -> bool:
    return bool(settings.OPENAI_CHAT_BASE_URL)


def json_mode_requested() -> bool:
    """Whether callers should ask for a JSON object (and say so in their prompt)."""
    return bool(settings.OPENAI_CHAT_JSON_MODE)


def _option(name: str, default: float) -> float:
    return getattr(settings, f"OPENAI_CHAT_{name}", default)


def _config() -> tuple:
    return (
        os.getpid(),  # a forked worker must not share the parent's connections
        settings.OPENAI_CHAT_BASE_URL.rstrip("/"),
        settings.OPENAI_CHAT_API_KEY,
        settings.OPENAI_CHAT_TIMEOUT_SECONDS,
    )


def get_client() -> httpx.Client:
    """The process's client for the configured server, rebuilt only when settings change."""
    global _cached
    config = _config()
    with _lock:
        if _cached is not None and _cached[0] == config:
            return _cached[1]
        old, _cached = _cached, None
        headers = {"Accept": "application/json"}
        if settings.OPENAI_CHAT_API_KEY:
            headers["Authorization"] = f"Bearer {settings.OPENAI_CHAT_API_KEY}"
        client = httpx.Client(
            base_url=config[1] + "/",
            headers=headers,
            timeout=httpx.Timeout(settings.OPENAI_CHAT_TIMEOUT_SECONDS),
        )
        _cached = (config, client)
    if old is not None and old[0][0] == os.getpid():
        old[1].close()
    return client


def reset_client() -> None:
    """Forgets the client and which servers refused JSON mode. For tests."""
    global _cached
    with _lock:
        old, _cached = _cached, None
        _no_json_mode.clear()
    if old is not None and old[0][0] == os.getpid():
        old[1].close()


def _backoff(attempt: int) -> float:
    return _option("RETRY_BACKOFF_SECONDS", RETRY_BACKOFF_SECONDS) * (2**attempt)


def _retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (a number or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def _refuses_json_mode(response: httpx.Response) -> bool:
    return response.status_code in (400, 422) and "response_format" in response.text


def _post(payload: dict[str, Any]) -> dict[str, Any]:
    """The decoded completion, with retries; raises LLMError saying why there is none."""
    client = get_client()
    server = (settings.OPENAI_CHAT_BASE_URL.rstrip("/"), settings.OPENAI_CHAT_MODEL)
    attempts = max(int(_option("MAX_RETRIES", MAX_RETRIES)), 0) + 1
    attempt = 0
    while True:
        try:
            response = client.post("chat/completions", json=payload)
        except httpx.TimeoutException as exc:
            raise LLMError("timeout", "Сервер чата не ответил вовремя") from exc
        except httpx.TransportError as exc:
            wait, error = _backoff(attempt), LLMError("connection", str(exc)[:200])
        else:
            status = response.status_code
            if status == 200:
                try:
                    return response.json()
                except ValueError as exc:
                    raise LLMError("malformed", "ответ сервера — не JSON") from exc
            if "response_format" in payload and _refuses_json_mode(response):
                logger.warning("%s refuses response_format; asking without it", server[0])
                _no_json_mode.add(server)
                payload = {k: v for k, v in payload.items() if k != "response_format"}
                continue  # not a retry: the same question, asked the way it can answer
            if status in (401, 403):
                raise LLMError("auth", f"Сервер чата отказал в доступе: {status}")
            if status == 429:
                wait = _retry_after(response)
                wait = _backoff(attempt) if wait is None else wait
                limit = _option("RETRY_AFTER_MAX_SECONDS", RETRY_AFTER_MAX_SECONDS)
                if wait > limit:
                    raise LLMError("rate_limited", f"Сервер чата просит подождать {wait:g} с")
                error = LLMError("rate_limited", "Сервер чата: 429")
            elif status >= 500:
                wait, error = _backoff(attempt), LLMError("server_error", str(status))
            else:
                raise LLMError(f"http_{status}", response.text[:200])
        attempt += 1
        if attempt >= attempts:
            raise error
        logger.info("OpenAI chat: %s, retry %d in %.2fs", error.reason, attempt, wait)
        time.sleep(wait)


def _answer(completion: Any) -> str:
    """The text of the first choice, or LLMError for a refusal or an unusable shape."""
    try:
        choice = completion["choices"][0]
        message: Mapping[str, Any] = choice.get("message") or {}
        finish_reason = choice.get("finish_reason")
        content = message.get("content")
        refusal = message.get("refusal")
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise LLMError("malformed", "в ответе нет вариантов") from exc
    if finish_reason == "content_filter":
        raise ContentFiltered()
    if refusal and not content:
        raise ContentFiltered(str(refusal)[:200])
    if finish_reason == "length":
        raise LLMError("truncated", "ответ обрезан по длине")
    if content is not None and not isinstance(content, str):
        raise LLMError("malformed", "содержимое ответа — не строка")
    text = (content or "").strip()
    if not text:
        raise LLMError("empty", "пустой ответ")
    return text


def openai_chat_complete(
    system_prompt: str,
    user_prompt: str,
    *,
    json_mode: bool = False,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> str:
    """The model's answer to one system + user message, or LLMError (LLMRefused) saying why.

    `json_mode` asks for a JSON object when `OPENAI_CHAT_JSON_MODE` is on and the server has
    not refused it; the caller's prompt must ask for JSON too (servers require the word).
    """
    if not openai_chat_configured():
        raise LLMError("not_configured", "OPENAI_CHAT_BASE_URL не задан")
    payload: dict[str, Any] = {
        "messages": [
            {"role": "system", "content": system_prompt},
            {"role": "user", "content": user_prompt},
        ],
        "stream": False,
    }
    if settings.OPENAI_CHAT_MODEL:  # llama.cpp serves one model and needs no name
        payload["model"] = settings.OPENAI_CHAT_MODEL
    if temperature is not None:
        payload["temperature"] = temperature
    if max_tokens is not None:
        payload["max_tokens"] = max_tokens
    server = (settings.OPENAI_CHAT_BASE_URL.rstrip("/"), settings.OPENAI_CHAT_MODEL)
    if json_mode and json_mode_requested() and server not in _no_json_mode:
        payload["response_format"] = JSON_OBJECT
    try:
        completion = _post(payload)
    except LLMError:
        raise
    except Exception as exc:  # a bug here must not take the caller down with it
        logger.exception("OpenAI chat call failed unexpectedly")
        raise LLMError("error", str(exc)[:200]) from exc
    return _answer(completion)
