"""Any OpenAI-compatible image server: one blocking `POST {base}/images/generations`.

Aimed at LocalAI, Ollama, stable-diffusion.cpp's sd-server, vLLM-Omni, OpenVINO Model
Server, LiteLLM and OpenAI itself, which agree on the request (model, prompt, n, size) and
on the answer (`data[0].b64_json` or `data[0].url`) but little else. Decisions:

- `response_format` and `negative_prompt` are *optional fields*: sent while the server
  takes them, dropped for good (per process) after a 400 that names one. OpenAI's gpt-image
  refuses `response_format` (it always answers base64), OpenAI and LiteLLM refuse unknown
  fields such as `negative_prompt`, while the servers running Stable Diffusion use it or
  ignore it. Negatives are never spelled into the prompt: a diffusion model draws the
  words it is given, "no text" included.
- The size asked is one the engine accepts (OPENAI_IMAGE_SIZES, or any multiple of 64 up
  to 2048), the nearest in aspect ratio and then in area; the image is then fitted to the
  exact request (Lanczos cover, cropped around the subject, as posters are).
- Bytes that are not an image are handed on as received (`done`): the pipeline's
  `prepare_image` refuses them with the same reason as any provider's, and keeps the raw
  answer for inspection.
- No sleeping and no retries for transient trouble: a retryable `ProviderError` lets the
  pipeline back off and repeat the step.
"""

import base64
import binascii
import io
import logging
import math
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from contentum.design.engine import fit_to_canvas
from contentum.generation.images import InvalidImage, decode_image
from contentum.generation.providers.base import (
    ImageProvider,
    ImageRequest,
    PollResult,
    ProviderError,
)
from contentum.generation.text import MAX_PROMPT_CHARS, clip_words

logger = logging.getLogger(__name__)

GENERATIONS_PATH = "images/generations"
# With OPENAI_IMAGE_SIZES empty: any size in these steps, up to this side.
SIZE_STEP = 64
MAX_SIDE = 2048
# Connecting is quick or never: no need to wait the whole (long) drawing timeout for it.
CONNECT_TIMEOUT_SECONDS = 10.0
# Downloading a `url` answer: the image exists already, so this is much shorter.
DOWNLOAD_TIMEOUT_SECONDS = 30.0
# Fields a server may refuse with a 400 naming them; asked again without them.
OPTIONAL_FIELDS = ("response_format", "negative_prompt")
# How engines phrase a refusal by their content filter (OpenAI: code content_policy_violation
# or moderation_blocked, "rejected as a result of our safety system"; others vary).
CENSORED_CODES = {"content_policy_violation", "moderation_blocked", "content_filter"}
CENSORED_MARKERS = (
    "content policy",
    "content_policy",
    "safety system",
    "safety checker",
    "safety filter",
    "moderation",
    "nsfw",
    "content filter",
)

Size = tuple[int, int]


def parse_sizes(values: list[str] | tuple[str, ...]) -> tuple[Size, ...]:
    """OPENAI_IMAGE_SIZES ("1024x1024", …) as (width, height) pairs; a typo is a
    configuration error rather than a size nobody can draw."""
    sizes = []
    for value in values:
        text = value.strip().lower().replace("×", "x")
        if not text:
            continue
        width, _, height = text.partition("x")
        try:
            size = (int(width), int(height))
        except ValueError:
            size = (0, 0)
        if min(size) <= 0:
            raise ImproperlyConfigured(
                f"OPENAI_IMAGE_SIZES: {value!r} is not a size like 1024x1024."
            )
        sizes.append(size)
    return tuple(sizes)


def engine_size(width: int, height: int, accepted: tuple[Size, ...] = ()) -> Size:
    """The size to ask the engine for `width`×`height`: among `accepted`, the closest in
    aspect ratio, then in area; with none listed, the request in steps of 64 (≤ 2048)."""
    if not accepted:
        shrink = min(1.0, MAX_SIDE / max(width, height))

        def side(value: int) -> int:
            steps = round(value * shrink / SIZE_STEP)
            return min(MAX_SIDE, max(SIZE_STEP, steps * SIZE_STEP))

        return side(width), side(height)
    ratio, area = math.log(width / height), math.log(width * height)
    return min(
        accepted,
        key=lambda s: (
            round(abs(math.log(s[0] / s[1]) - ratio), 6),
            abs(math.log(s[0] * s[1]) - area),
        ),
    )


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait as the server asks: `retry-after-ms` (OpenAI), or `Retry-After` in
    seconds or as an HTTP date."""
    try:
        return max(0.0, float(response.headers["retry-after-ms"]) / 1000)
    except (KeyError, ValueError):
        pass
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def _error_body(response: httpx.Response) -> tuple[str, set[str], str]:
    """(code, fields named, message) of an error answer, whatever shape it has."""
    try:
        body = response.json()
    except ValueError:
        return "", set(), response.text[:300]
    error = body.get("error", body) if isinstance(body, dict) else body
    if not isinstance(error, dict):
        return "", set(), str(error)[:300]
    detail = error.get("detail")
    if isinstance(detail, list):  # FastAPI validation errors (vLLM, …) echo the whole body
        items = [item for item in detail if isinstance(item, dict)]
        fields = {str(item["loc"][-1]) for item in items if item.get("loc")}
        message = "; ".join(f"{item.get('loc')}: {item.get('msg')}" for item in items)
        return "", fields, message[:300]
    message = error.get("message") or detail or error.get("error") or error
    param = error.get("param")
    return str(error.get("code") or ""), {str(param)} if param else set(), str(message)[:300]


def _is_censored(code: str, message: str) -> bool:
    lowered = message.lower()
    return code in CENSORED_CODES or any(marker in lowered for marker in CENSORED_MARKERS)


def _unexpected(what: str) -> ProviderError:
    """A broken answer: the server will not start answering properly by itself."""
    return ProviderError(f"Сервер изображений прислал неожиданный ответ: {what}.", retryable=False)


@dataclass(frozen=True)
class OpenAIImageConfig:
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    sizes: tuple[Size, ...] = ()
    timeout_seconds: float = 120.0

    @classmethod
    def from_settings(cls) -> "OpenAIImageConfig":
        missing = [
            name
            for name in ("OPENAI_IMAGE_BASE_URL", "OPENAI_IMAGE_MODEL")
            if not getattr(settings, name, "")
        ]
        if missing:
            raise ImproperlyConfigured(
                f"IMAGE_PROVIDER=openai needs {' and '.join(missing)} (the server's base URL "
                "ending in /v1, e.g. http://localhost:8080/v1, and the model to draw with)."
            )
        base_url = settings.OPENAI_IMAGE_BASE_URL
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                f"OPENAI_IMAGE_BASE_URL={base_url!r} must be an http(s) URL ending in /v1."
            )
        return cls(
            base_url=base_url,
            model=settings.OPENAI_IMAGE_MODEL,
            api_key=settings.OPENAI_IMAGE_API_KEY,
            sizes=parse_sizes(settings.OPENAI_IMAGE_SIZES),
            timeout_seconds=settings.OPENAI_IMAGE_TIMEOUT_SECONDS,
        )


@lru_cache(maxsize=4)
def _shared_provider(config: OpenAIImageConfig) -> "OpenAIImageProvider":
    """One provider per configuration and process: the thread-pool worker's threads share
    its connection pool and what it learnt about the server's optional fields."""
    return OpenAIImageProvider(config)


class OpenAIImageProvider(ImageProvider):
    name = "openai"
    blocking = True

    def __init__(self, config: OpenAIImageConfig) -> None:
        self.config = config
        # httpx keeps base_url's path when it ends in "/": ".../v1/" + "images/generations".
        self._base_url = config.base_url.rstrip("/") + "/"
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._timeout = httpx.Timeout(
            config.timeout_seconds, connect=min(config.timeout_seconds, CONNECT_TIMEOUT_SECONDS)
        )
        self._client = httpx.Client(
            base_url=self._base_url,
            headers=headers,
            timeout=self._timeout,
            # Sized for the blocking worker's threads all drawing at once.
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self._refused_fields: set[str] = set()

    @classmethod
    def from_settings(cls) -> "OpenAIImageProvider":
        return _shared_provider(OpenAIImageConfig.from_settings())

    @property
    def model(self) -> str:
        return self.config.model

    def close(self) -> None:
        self._client.close()

    def draw(self, request: ImageRequest) -> PollResult:
        prompt = clip_words(request.prompt, MAX_PROMPT_CHARS)
        if not prompt:
            raise ProviderError(
                "Пустой промпт: серверу изображений нечего рисовать.", retryable=False
            )
        asked = engine_size(request.width, request.height, self.config.sizes)
        body: dict[str, Any] = {
            "model": self.config.model,
            "prompt": prompt,
            "n": 1,
            "size": f"{asked[0]}x{asked[1]}",
            "response_format": "b64_json",
        }
        if request.negative_prompt:
            body["negative_prompt"] = clip_words(request.negative_prompt, MAX_PROMPT_CHARS)
        started = time.monotonic()
        answer = self._generate(body)
        if answer is None:
            return PollResult.failed(
                error="Сервер изображений отказался рисовать по этому промпту (фильтр содержания).",
                retryable=True,
                censored=True,
            )
        image_bytes, revised_prompt = self._image_bytes(answer)
        logger.info(
            "Image server drew %s at %sx%s in %.1f s (revised prompt: %r)",
            self.config.model,
            *asked,
            time.monotonic() - started,
            revised_prompt,
        )
        return PollResult.done(image_bytes=self._fitted(image_bytes, request))

    def _generate(self, body: dict[str, Any]) -> Any:
        """The JSON answer; `None` when the content filter refused the prompt. A 400 naming
        an optional field is asked again without it (and it is not sent again)."""
        while True:
            sent = {k: v for k, v in body.items() if k not in self._refused_fields}
            response = self._post(sent)
            if response.is_success:
                break
            code, named, message = _error_body(response)
            status = response.status_code
            if status in (400, 422) and _is_censored(code, message):
                logger.info("Image server refused the prompt: %s %s", code, message)
                return None
            refused = [
                name
                for name in OPTIONAL_FIELDS
                if name in sent and (name in named or name in message)
            ]
            if status in (400, 422) and refused:
                logger.warning("Image server refuses %s; not sent any more", refused)
                self._refused_fields.update(refused)
                continue
            raise self._status_error(response, code, message)
        try:
            answer = response.json()
        except ValueError as exc:
            raise _unexpected("ответ не является корректным JSON") from exc
        return answer

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        timeout = self.config.timeout_seconds
        try:
            return self._client.post(GENERATIONS_PATH, json=body)
        except httpx.TimeoutException as exc:
            # A read timeout: the server may still be drawing (and billing) the image.
            raise ProviderError(
                f"Сервер изображений не ответил за {timeout:g} с.",
                retryable=True,
                job_may_exist=isinstance(exc, httpx.ReadTimeout),
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderError(
                f"Нет связи с сервером изображений ({type(exc).__name__}).", retryable=True
            ) from exc

    def _status_error(self, response: httpx.Response, code: str, message: str) -> ProviderError:
        status = response.status_code
        if status == 429 and code == "insufficient_quota":  # OpenAI: billing, not a rate
            return ProviderError(
                f"У ключа сервера изображений закончилась квота (429): {message}",
                retryable=False,
                status=status,
            )
        if status in (401, 403):
            return ProviderError(
                f"Сервер изображений не принял ключ ({status}): ключ не подошёл, "
                "проверьте OPENAI_IMAGE_API_KEY.",
                retryable=False,
                status=status,
            )
        if status == 429:
            return ProviderError(
                "Сервер изображений ограничил частоту запросов (429).",
                retryable=True,
                retry_after=_retry_after(response),
                status=status,
            )
        if status == 408 or status >= 500:
            logger.warning("Image server answered %s: %s", status, message)
            return ProviderError(
                f"Ошибка на стороне сервера изображений ({status}).",
                retryable=True,
                retry_after=_retry_after(response),
                status=status,
            )
        hint = ""
        if status == 404:
            hint = " Проверьте OPENAI_IMAGE_BASE_URL (оканчивается на /v1) и OPENAI_IMAGE_MODEL."
        return ProviderError(
            f"Сервер изображений отклонил запрос ({status}): {message}{hint}",
            retryable=False,
            status=status,
        )

    def _image_bytes(self, answer: Any) -> tuple[bytes, str]:
        """The image's bytes (decoded or downloaded) and the prompt as the engine revised
        it (DALL·E 3 rewrites prompts; worth seeing when a poster looks off)."""
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list) or not data or not isinstance(data[0], dict):
            error = answer.get("error") if isinstance(answer, dict) else None
            raise _unexpected(f"нет изображения в data ({error})" if error else "нет поля data")
        item = data[0]
        revised = str(item.get("revised_prompt") or "")
        encoded = item.get("b64_json")
        if isinstance(encoded, str) and encoded:
            if encoded.startswith("data:"):  # a data URL from some servers
                encoded = encoded.partition(",")[2]
            try:
                return base64.b64decode(encoded, validate=True), revised
            except (binascii.Error, ValueError) as exc:
                raise _unexpected("изображение в повреждённой кодировке base64") from exc
        url = item.get("url")
        if isinstance(url, str) and url:
            return self._download(url), revised
        raise _unexpected("в data[0] нет ни b64_json, ни url")

    def _download(self, url: str) -> bytes:
        """The image behind a `url` answer, at most IMAGE_MAX_BYTES + 1 bytes (more is
        refused by `prepare_image` as too large). The key goes only to the server itself:
        a storage host (signed S3/Azure links) would reject or leak it."""
        url = urljoin(self._base_url, url)
        target = urlsplit(url)
        if target.scheme not in ("http", "https"):
            raise _unexpected(f"ссылка на изображение не http(s): {url[:100]}")
        timeout = min(self.config.timeout_seconds, DOWNLOAD_TIMEOUT_SECONDS)
        request = self._client.build_request("GET", url, timeout=timeout)
        if target.netloc != urlsplit(self._base_url).netloc:
            request.headers.pop("Authorization", None)
        limit = settings.IMAGE_MAX_BYTES + 1
        try:
            response = self._client.send(request, stream=True)
            try:
                if not response.is_success:
                    response.read()
                    status = response.status_code
                    raise ProviderError(
                        f"Не удалось скачать изображение по ссылке сервера ({status}).",
                        retryable=status in (404, 408, 429) or status >= 500,
                        retry_after=_retry_after(response),
                        status=status,
                    )
                content = bytearray()
                for chunk in response.iter_bytes():
                    content += chunk
                    if len(content) >= limit:
                        break
                return bytes(content[:limit])
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise ProviderError(
                f"Изображение по ссылке сервера не скачалось за {timeout:g} с.", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderError(
                f"Не удалось скачать изображение по ссылке сервера ({type(exc).__name__}).",
                retryable=True,
            ) from exc

    def _fitted(self, image_bytes: bytes, request: ImageRequest) -> bytes:
        """The image at exactly the requested size, as PNG. Bytes that do not decode (or
        are too large) go on as received, for `prepare_image` to refuse with its reason."""
        try:
            image = decode_image(image_bytes)
        except InvalidImage as exc:
            logger.warning("Image server sent no usable image: %s", exc.reason)
            return image_bytes
        if image.size == (request.width, request.height):
            return image_bytes
        fitted = fit_to_canvas(image, request.width, request.height)
        png = io.BytesIO()
        fitted.save(png, "PNG", compress_level=settings.IMAGE_PNG_COMPRESS_LEVEL)
        return png.getvalue()
