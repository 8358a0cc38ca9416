"""Kandinsky through the Fusion Brain API (https://api-key.fusionbrain.ai/).

Transient trouble (queue full, 429, 5xx, timeouts, broken answers) raises a retryable
`ProviderError` for the caller to back off and call again; rejected requests (400, 401,
403, 415) and failed jobs are final. One httpx client per provider keeps connections
alive across the many short polls.

Styles: Fusion Brain's presets (KANDINSKY, UHD, ANIME, DEFAULT…) are listed at a public
address (KANDINSKY_STYLES_URL), read once per provider (so once per process) like the
pipeline id. A brief's own words for its style («аниме», «фотореализм») pick the nearest
preset; KANDINSKY_STYLE, when set, is sent whatever the brief says. Without a style in
the brief no preset is sent, and an unreachable list never fails a job: it is drawn
without one, and the list is asked for again some minutes later.
"""

import base64
import binascii
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from contentum.generation.providers.base import (
    ImageProvider,
    ImageRequest,
    PollResult,
    ProviderError,
    SubmitResult,
)
from contentum.generation.text import MAX_PROMPT_CHARS, clip_words

logger = logging.getLogger(__name__)

PENDING_STATUSES = {"INITIAL", "PROCESSING"}
ACTIVE = "ACTIVE"
QUEUE_FULL = "DISABLED_BY_QUEUE"
# The style list is small and static: a short timeout, and after a failure no new try
# for a while (each submit would otherwise wait on it).
STYLES_TIMEOUT_SECONDS = 5.0
STYLES_RETRY_SECONDS = 300.0
# Words of a brief's style (lower case, ё as е) and the presets they ask for, in order of
# preference; the first one the service lists wins. Anything else gets DEFAULT ("no
# style": the brief's words are in the prompt already), never a preset's look of its own.
# The first rule that matches decides (painting styles named like realism come first).
STYLE_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("аниме", "анимэ", "манга", "anime", "manga"), ("ANIME",)),
    (("сюрреал", "соцреал", "surreal"), ()),
    (("кандинск", "kandinsky"), ("KANDINSKY",)),
    (
        ("фото", "реализм", "реалист", "детализ", "photo", "realis", "uhd", "4k", "8k", "hdr"),
        ("UHD",),
    ),
)
NO_STYLE = ("DEFAULT",)


@dataclass(frozen=True)
class KandinskyConfig:
    base_url: str
    api_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    timeout_seconds: float = 30.0
    run_timeout_seconds: float = 60.0
    poll_interval_seconds: float = 5.0
    style: str = ""
    styles_url: str = ""  # empty: presets are sent only as KANDINSKY_STYLE says

    @classmethod
    def from_settings(cls) -> "KandinskyConfig":
        if not (settings.KANDINSKY_API_KEY and settings.KANDINSKY_SECRET_KEY):
            raise ImproperlyConfigured(
                "IMAGE_PROVIDER=kandinsky needs KANDINSKY_API_KEY and KANDINSKY_SECRET_KEY."
            )
        return cls(
            base_url=settings.KANDINSKY_BASE_URL,
            api_key=settings.KANDINSKY_API_KEY,
            secret_key=settings.KANDINSKY_SECRET_KEY,
            timeout_seconds=settings.KANDINSKY_TIMEOUT_SECONDS,
            run_timeout_seconds=settings.KANDINSKY_RUN_TIMEOUT_SECONDS,
            poll_interval_seconds=settings.KANDINSKY_POLL_INTERVAL_SECONDS,
            style=settings.KANDINSKY_STYLE,
            styles_url=getattr(settings, "KANDINSKY_STYLES_URL", ""),
        )


@lru_cache(maxsize=4)
def _shared_provider(config: KandinskyConfig) -> "KandinskyProvider":
    """One provider per configuration and process: its connections and pipeline id are
    reused by every task the worker runs."""
    return KandinskyProvider(config)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None  # absent, or an HTTP date: the caller's own backoff applies


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)[:200]
    return str(body)[:200]


def _unexpected(what: str) -> ProviderError:
    return ProviderError(f"Kandinsky прислал неожиданный ответ: {what}.", retryable=True)


def _not_accepting(status: str) -> ProviderError:
    """Retryable: the pipeline backs off and submits again; the message is what the web
    client shows in the variant's progress meanwhile."""
    if status == QUEUE_FULL:
        message = (
            f"Очередь Kandinsky переполнена ({status}): ждём, пока она освободится; "
            "запрос повторяется автоматически."
        )
    else:
        message = (
            f"Kandinsky сейчас не принимает задания ({status}): запрос повторится автоматически."
        )
    return ProviderError(message, retryable=True)


def _normalized(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def pick_style(hint: str, styles: list[dict[str, str]]) -> str:
    """The listed preset nearest to a brief's style in its own words; "" when there is no
    hint or nothing listed fits (then no preset is sent)."""
    hint = _normalized(hint)
    listed = {style["name"] for style in styles}
    if not hint or not listed:
        return ""
    for style in styles:  # a preset named in the hint («аниме», «Anime»)
        titles = (style["name"], style.get("title", ""), style.get("titleEn", ""))
        if style["name"] != "DEFAULT" and any(
            len(title) >= 3 and _normalized(title) in hint for title in titles
        ):
            return style["name"]
    preferred = NO_STYLE
    for words, names in STYLE_RULES:
        if any(word in hint for word in words):
            preferred = (*names, *NO_STYLE)
            break
    return next((name for name in preferred if name in listed), "")


def _style_list(answer: Any) -> list[dict[str, str]]:
    """The usable entries of the styles endpoint's answer (a list of {name, title, …})."""
    if not isinstance(answer, list):
        return []
    return [
        {key: str(item[key]) for key in ("name", "title", "titleEn") if item.get(key)}
        for item in answer
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]
    ]


class KandinskyProvider(ImageProvider):
    name = "kandinsky"

    def __init__(self, config: KandinskyConfig) -> None:
        self.config = config
        self._client = httpx.Client(
            base_url=config.base_url,
            headers={
                "X-Key": f"Key {config.api_key}",
                "X-Secret": f"Secret {config.secret_key}",
            },
            timeout=config.timeout_seconds,
        )
        self._pipeline_id: str | None = None
        self._styles: list[dict[str, str]] | None = None
        self._styles_retry_at = 0.0
        self._styles_lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> "KandinskyProvider":
        return _shared_provider(KandinskyConfig.from_settings())

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> Any:
        """The decoded JSON answer, or `ProviderError` saying whether to try again."""
        timeout = timeout or self.config.timeout_seconds
        try:
            response = self._client.request(method, path, timeout=timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise ProviderError(f"Kandinsky не ответил за {timeout:g} с.", retryable=True) from exc
        except httpx.TransportError as exc:
            raise ProviderError(
                f"Нет связи с Kandinsky ({type(exc).__name__}).", retryable=True
            ) from exc
        status = response.status_code
        if status == 429 or status >= 500:
            logger.warning("Kandinsky %s %s answered %s", method, path, status)
            message = (
                "Kandinsky ограничил частоту запросов (429)."
                if status == 429
                else f"Ошибка на стороне Kandinsky ({status})."
            )
            raise ProviderError(message, retryable=True, retry_after=_retry_after(response))
        if status in (401, 403):
            raise ProviderError(
                f"Kandinsky не принял ключи доступа ({status}): проверьте "
                "KANDINSKY_API_KEY и KANDINSKY_SECRET_KEY.",
                retryable=False,
            )
        if status >= 400:
            raise ProviderError(
                f"Kandinsky отклонил запрос ({status}): {_detail(response)}",
                retryable=False,
                status=status,
            )
        try:
            return response.json()
        except ValueError as exc:
            raise _unexpected("ответ не является корректным JSON") from exc

    def pipeline_id(self) -> str:
        """The text-to-image pipeline, looked up once per provider (so once per process)."""
        if self._pipeline_id is None:
            pipelines = self._call("GET", "key/api/v1/pipelines")
            if not isinstance(pipelines, list):
                raise _unexpected("список моделей не является списком")
            candidates = [
                p for p in pipelines if isinstance(p, dict) and (p.get("id") or p.get("uuid"))
            ]
            candidates.sort(key=lambda p: p.get("type", "TEXT2IMAGE") != "TEXT2IMAGE")
            if not candidates:
                raise _unexpected("нет ни одной модели")
            self._pipeline_id = str(candidates[0].get("id") or candidates[0]["uuid"])
            logger.info("Kandinsky pipeline %s", self._pipeline_id)
        return self._pipeline_id

    def styles(self) -> list[dict[str, str]]:
        """The presets the service lists, read once per provider; [] while the list cannot
        be read (asked again after STYLES_RETRY_SECONDS). Never raises."""
        if self._styles is not None or not self.config.styles_url:
            return self._styles or []
        with self._styles_lock:
            if self._styles is not None or time.monotonic() < self._styles_retry_at:
                return self._styles or []
            try:
                # A public file on another host (a CDN): the keys are not sent there.
                response = httpx.get(
                    self.config.styles_url,
                    timeout=min(self.config.timeout_seconds, STYLES_TIMEOUT_SECONDS),
                    follow_redirects=True,
                )
                response.raise_for_status()
                styles = _style_list(response.json())
            except (httpx.HTTPError, ValueError) as exc:
                styles = []
                logger.warning("Kandinsky styles unavailable: %s", type(exc).__name__)
            if not styles:
                self._styles_retry_at = time.monotonic() + STYLES_RETRY_SECONDS
                return []
            self._styles = styles
            logger.info("Kandinsky styles: %s", ", ".join(s["name"] for s in styles))
            return styles

    def style_for(self, request: ImageRequest) -> str:
        """The preset to send: KANDINSKY_STYLE when set, else the one nearest to the
        brief's style, else none."""
        if self.config.style:
            return self.config.style
        if not request.style_hint.strip():
            return ""
        return pick_style(request.style_hint, self.styles())

    def availability(self) -> str:
        """The pipeline's status; an answer without one is taken as ACTIVE."""
        answer = self._call("GET", f"key/api/v1/pipeline/{quote(self.pipeline_id())}/availability")
        if not isinstance(answer, dict):
            raise _unexpected("статус доступности не является объектом")
        return str(answer.get("pipeline_status") or ACTIVE)

    def _params(self, request: ImageRequest) -> dict[str, Any]:
        query = clip_words(request.prompt, MAX_PROMPT_CHARS)
        if not query:
            raise ProviderError("Пустой промпт: Kandinsky нечего рисовать.", retryable=False)
        params: dict[str, Any] = {
            "type": "GENERATE",
            "numImages": 1,
            "width": request.width,
            "height": request.height,
            "generateParams": {"query": query},
        }
        if style := self.style_for(request):
            params["style"] = style
        if request.negative_prompt:
            params["negativePromptDecoder"] = clip_words(request.negative_prompt)
        return params

    def submit(self, request: ImageRequest) -> SubmitResult:
        params = self._params(request)
        # Only a DISABLED_* status is known to refuse jobs; anything else is tried, and the
        # run itself answers with the status when the queue is full.
        status = self.availability()
        if status.startswith("DISABLED"):
            raise _not_accepting(status)
        files = {
            "pipeline_id": (None, self.pipeline_id()),
            "params": (None, json.dumps(params, ensure_ascii=False), "application/json"),
        }
        try:
            answer = self._call(
                "POST",
                "key/api/v1/pipeline/run",
                files=files,
                timeout=self.config.run_timeout_seconds,
            )
        except ProviderError as exc:
            if not isinstance(exc.__cause__, httpx.TimeoutException):
                raise
            # The request may have reached the service: a job may exist that nobody polls.
            raise ProviderError(exc.message, retryable=True, job_may_exist=True) from exc
        if not isinstance(answer, dict):
            raise _unexpected("ответ на запуск не является объектом")
        if answer.get("uuid"):
            logger.info("Kandinsky job %s submitted", answer["uuid"])
            return SubmitResult(
                job_id=str(answer["uuid"]), poll_after_seconds=self.config.poll_interval_seconds
            )
        # Overloaded: instead of a job, the answer carries the pipeline's status.
        status = answer.get("pipeline_status") or answer.get("model_status")
        if status:
            raise _not_accepting(str(status))
        raise _unexpected("нет идентификатора задания")

    def poll(self, job_id: str, request: ImageRequest) -> PollResult:
        try:
            answer = self._call("GET", f"key/api/v1/pipeline/status/{quote(job_id, safe='')}")
        except ProviderError as exc:
            if exc.status != 404:
                raise
            # Fusion Brain forgets a job once it handed its image out: an answer lost on
            # the way (a timed-out read, a step that died) leaves only this 404.
            return PollResult.lost(error=f"Kandinsky больше не знает задание {job_id}.")
        if not isinstance(answer, dict):
            raise _unexpected("статус задания не является объектом")
        status = answer.get("status")
        if status in PENDING_STATUSES:
            return PollResult.pending(poll_after_seconds=self.config.poll_interval_seconds)
        if status == "FAIL":
            reason = answer.get("errorDescription") or "причина не указана"
            return PollResult.failed(
                error=f"Kandinsky не смог создать изображение: {reason}", retryable=False
            )
        if status != "DONE":
            raise _unexpected(f"статус задания {status!r}")
        result = answer.get("result")
        result = result if isinstance(result, dict) else {}
        files, censored = result.get("files"), bool(result.get("censored"))
        if not isinstance(files, list) or not files or not isinstance(files[0], str):
            if censored:  # nothing to check, but a reworded prompt may pass the filter
                return PollResult.failed(
                    error="Kandinsky скрыл изображение фильтром цензуры.",
                    retryable=True,
                    censored=True,
                )
            # DONE with no files: the image was handed out already, to a read that never
            # reached us (the step died, the connection dropped). Lost, like the 404.
            return PollResult.lost(
                error=f"Kandinsky уже отдал изображение задания {job_id}, но оно не дошло."
            )
        try:
            image_bytes = base64.b64decode(files[0])
        except (binascii.Error, ValueError):
            return PollResult.failed(
                error="Kandinsky прислал изображение в повреждённой кодировке base64.",
                retryable=False,
            )
        logger.info("Kandinsky job %s done (censored=%s)", job_id, censored)
        return PollResult.done(image_bytes=image_bytes, censored=censored)
