"""GigaChat's own drawing: a chat completion with `function_call: "auto"` lets the model call
its built-in text2image; the answer names the file (`<img src="FILE_ID" fuse="true"/>`) and
`GET /files/{id}/content` hands out the JPEG.

The call goes through the official SDK client of `contentum.prompts.llm` (its credentials,
addresses and token handling: one OAuth token per process, refreshed once on a 401), as a
client of its own because drawing takes far longer than the enricher's timeout. GigaChat
chooses the size itself (1024×1024 as a rule): the prompt asks for the orientation, and the
result is scaled to cover `request.width`×`request.height` and cropped. No sleeping and no
retries here: a retryable `ProviderError` or `failed` goes back to the pipeline, which backs
off and calls again.
"""

import base64
import binascii
import io
import logging
import math
import re
from typing import NoReturn

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from gigachat import GigaChat
from gigachat.exceptions import GigaChatException, ResponseError
from gigachat.models import Chat, ChatCompletion, Messages, MessagesRole

from contentum.design.engine.scale import fit_to_canvas
from contentum.generation.images import InvalidImage, decode_image
from contentum.generation.providers.base import (
    ImageProvider,
    ImageRequest,
    PollResult,
    ProviderError,
)
from contentum.generation.text import squeeze
from contentum.prompts import llm

logger = logging.getLogger(__name__)

CLIENT_PURPOSE = "images"
# `src` of the first <img> tag in the answer: the drawn file's id.
IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# What GigaChat says instead of drawing when its filter stops a request (its stock phrases
# "меня смущает… поговорим на другую тему", "не люблю менять тему разговора") or when it
# declines outright.
REFUSAL = re.compile(
    r"смущает|другую тему|менять тему|на эту тему|не\s+(?:могу|буду|стану|имею\s+права)"
    r"|запрещ|недопустим|нарушает",
    re.IGNORECASE,
)
# A file id goes into the download's path: only what GigaChat's ids (UUIDs) are made of.
FILE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")

SYSTEM_PROMPT = (
    "Ты — художник-иллюстратор. Нарисуй изображение по описанию пользователя с помощью "
    "встроенной функции генерации изображений. Это фон для рекламного постера: текст "
    "добавят поверх позже, поэтому на изображении не должно быть никакого текста, букв, "
    "цифр, надписей, логотипов и водяных знаков. Формат изображения: {orientation}, "
    "соотношение сторон {ratio}. Не отвечай текстом вместо изображения."
)


def orientation(width: int, height: int) -> tuple[str, str]:
    """The orientation in words and the aspect ratio ("9:16"), for the system prompt: the
    engine picks the pixel size itself, so the shape is asked for in words."""
    if width > height:
        word = "горизонтальное"
    elif width < height:
        word = "вертикальное"
    else:
        word = "квадратное"
    divisor = math.gcd(width, height)
    w, h = width // divisor, height // divisor
    if max(w, h) > 32:  # 1000×1414 and the like: a readable approximation
        ratio = f"{width / height:.2f}:1" if width >= height else f"1:{height / width:.2f}"
    else:
        ratio = f"{w}:{h}"
    return word, ratio


def _retry_after(exc: ResponseError) -> float | None:
    try:
        return max(0.0, float((exc.headers or {}).get("retry-after") or ""))
    except ValueError:
        return None  # absent, or an HTTP date: the pipeline's own backoff applies


def _detail(exc: ResponseError) -> str:
    text = (exc.content or b"").decode("utf-8", "replace")
    return squeeze(text)[:200] or "без пояснений"


def _raise_provider_error(exc: Exception, timeout: float) -> NoReturn:
    """The SDK's (or httpx's) exception as a `ProviderError` saying whether to call again."""
    if isinstance(exc, httpx.TimeoutException):
        raise ProviderError(f"GigaChat не ответил за {timeout:g} с.", retryable=True) from exc
    if isinstance(exc, httpx.TransportError):
        raise ProviderError(
            f"Нет связи с GigaChat ({type(exc).__name__}).", retryable=True
        ) from exc
    if isinstance(exc, ResponseError):
        status = exc.status_code
        if status in (401, 403):
            raise ProviderError(
                f"GigaChat не принял ключ доступа ({status}): проверьте GIGACHAT_CREDENTIALS "
                "и GIGACHAT_SCOPE.",
                retryable=False,
                status=status,
            ) from exc
        if status == 429:
            raise ProviderError(
                "GigaChat ограничил частоту запросов (429).",
                retryable=True,
                retry_after=_retry_after(exc),
                status=status,
            ) from exc
        if status >= 500:
            raise ProviderError(
                f"Ошибка на стороне GigaChat ({status}).",
                retryable=True,
                retry_after=_retry_after(exc),
                status=status,
            ) from exc
        raise ProviderError(
            f"GigaChat отклонил запрос ({status}): {_detail(exc)}", retryable=False, status=status
        ) from exc
    if isinstance(exc, ValueError):  # undecodable JSON or an answer of the wrong shape
        raise ProviderError(
            f"GigaChat прислал неожиданный ответ: {str(exc)[:200]}", retryable=False
        ) from exc
    raise ProviderError(f"Ошибка клиента GigaChat: {str(exc)[:200]}", retryable=False) from exc


class GigaChatImageProvider(ImageProvider):
    name = "gigachat"
    blocking = True

    def __init__(self, *, model: str, timeout_seconds: float) -> None:
        self._model = model
        self.timeout_seconds = timeout_seconds

    @classmethod
    def from_settings(cls) -> "GigaChatImageProvider":
        if not settings.GIGACHAT_CREDENTIALS:
            raise ImproperlyConfigured(
                "IMAGE_PROVIDER=gigachat needs GIGACHAT_CREDENTIALS (the authorization key "
                "from the GigaChat studio) and a GIGACHAT_SCOPE that includes image generation."
            )
        if not settings.GIGACHAT_IMAGE_MODEL:
            raise ImproperlyConfigured("IMAGE_PROVIDER=gigachat needs GIGACHAT_IMAGE_MODEL.")
        return cls(
            model=settings.GIGACHAT_IMAGE_MODEL,
            timeout_seconds=settings.GIGACHAT_IMAGE_TIMEOUT_SECONDS,
        )

    @property
    def model(self) -> str:
        return self._model

    def _client(self) -> GigaChat:
        """The process's drawing client: built once per settings, so its token is reused."""
        return llm.shared_client(CLIENT_PURPOSE, timeout=self.timeout_seconds)

    def _payload(self, request: ImageRequest) -> Chat:
        prompt = squeeze(request.prompt)
        if not prompt:
            raise ProviderError("Пустой промпт: GigaChat нечего рисовать.", retryable=False)
        word, ratio = orientation(request.width, request.height)
        text = f"Нарисуй: {prompt}"
        negative = squeeze(request.negative_prompt)
        if negative:
            text += f"\nБез: {negative}."
        return Chat(
            model=self._model,
            messages=[
                Messages(
                    role=MessagesRole.SYSTEM,
                    content=SYSTEM_PROMPT.format(orientation=word, ratio=ratio),
                ),
                Messages(role=MessagesRole.USER, content=text),
            ],
            function_call="auto",
        )

    def draw(self, request: ImageRequest) -> PollResult:
        payload = self._payload(request)
        client = self._client()
        try:
            completion = client.chat(payload)
        except (GigaChatException, httpx.HTTPError, ValueError) as exc:
            _raise_provider_error(exc, self.timeout_seconds)
        outcome = self._file_id(completion)
        if isinstance(outcome, PollResult):
            return outcome
        try:
            encoded = client.get_image(outcome).content
        except (GigaChatException, httpx.HTTPError, ValueError) as exc:
            _raise_provider_error(exc, self.timeout_seconds)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProviderError(
                "GigaChat прислал файл изображения в повреждённой кодировке.", retryable=False
            ) from exc
        return self._fitted(data, request, outcome)

    def _file_id(self, completion: ChatCompletion) -> str | PollResult:
        """The drawn file's id, or the `failed` result of an answer without one."""
        if not completion.choices:
            raise ProviderError("GigaChat прислал ответ без вариантов.", retryable=False)
        choice = completion.choices[0]
        content = choice.message.content or ""
        found = IMG_SRC.search(content)
        if found:
            if not FILE_ID.fullmatch(found.group(1)):
                raise ProviderError(
                    f"GigaChat назвал файл изображения непонятно: {found.group(1)[:80]!r}.",
                    retryable=False,
                )
            return found.group(1)
        said = squeeze(content)[:200]
        if choice.finish_reason == "blacklist" or REFUSAL.search(content):
            logger.info("GigaChat refused to draw (%s): %s", choice.finish_reason, said)
            return PollResult.failed(
                error=f"GigaChat отказался рисовать по этому промпту: «{said or 'без ответа'}».",
                retryable=True,
                censored=True,
            )
        # It described instead of drawing: a reworded prompt usually makes it draw.
        logger.info("GigaChat answered without an image (%s): %s", choice.finish_reason, said)
        return PollResult.failed(
            error=f"GigaChat ответил текстом вместо изображения: «{said or 'пустой ответ'}».",
            retryable=True,
        )

    def _fitted(self, data: bytes, request: ImageRequest, file_id: str) -> PollResult:
        """The drawing scaled to cover the requested size and cropped, as PNG."""
        try:
            image = decode_image(data)
        except InvalidImage as exc:
            logger.warning("GigaChat file %s is not a usable image: %s", file_id, exc.reason)
            # A new drawing is a new file: worth another attempt, as the pipeline does
            # with any refused image.
            return PollResult.failed(
                error=f"GigaChat прислал файл, который не является изображением: {exc.reason}",
                retryable=True,
            )
        fitted = fit_to_canvas(image, request.width, request.height)
        out = io.BytesIO()
        # Re-encoded by the pipeline for storage anyway: spend no time compressing here.
        fitted.save(out, "PNG", compress_level=1)
        logger.info(
            "GigaChat file %s drawn at %dx%d, fitted to %dx%d",
            file_id,
            image.width,
            image.height,
            request.width,
            request.height,
        )
        return PollResult.done(image_bytes=out.getvalue())
