"""The one interface every image provider implements, and the choice of provider by settings.

Providers come in two kinds:
- job-and-poll (`blocking = False`: Kandinsky, the simulation): a job is submitted once and
  polled until it is done. They never sleep: each answer says when to ask again, and the
  caller re-schedules the poll (a Celery countdown), so a worker carries many jobs in
  flight instead of holding a thread per job;
- blocking (`blocking = True`: OpenAI-compatible servers, GigaChat): one call that returns
  the image after 10–60 s (`draw`). The pipeline runs it as a step of its own on the
  `generation-blocking` queue, served by a thread-pool worker, so it never holds a slot
  of the prefork pool that polls Kandinsky.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

JobState = Literal["pending", "done", "failed", "lost"]

PROVIDERS = {
    "simulation": "contentum.generation.providers.simulation.SimulationProvider",
    "kandinsky": "contentum.generation.providers.kandinsky.KandinskyProvider",
    "openai": "contentum.generation.providers.openai_images.OpenAIImageProvider",
    "gigachat": "contentum.generation.providers.gigachat_images.GigaChatImageProvider",
}


@dataclass(frozen=True)
class ImageRequest:
    """What to draw. `attempt` counts from 1 and lets the simulation fail only early ones."""

    prompt: str
    width: int
    height: int
    attempt: int = 1
    negative_prompt: str = ""
    # A variant's own seed (0: none): providers that take one pass it on; the simulation
    # draws a different composition from it.
    seed: int = 0
    # The brief's visual style in its own words («акварель», «аниме»…), or "": a provider
    # with style presets (Fusion Brain) picks the nearest.
    style_hint: str = ""


@dataclass(frozen=True)
class SubmitResult:
    job_id: str
    poll_after_seconds: float


@dataclass(frozen=True)
class PollResult:
    """A job's state. `failed` means the provider ran the job and gave up on it;
    `retryable` then says whether a new attempt may succeed (Kandinsky's FAIL is final,
    a censored job without an image may pass reworded). `done` carries the raw bytes,
    still to be validated by `images.prepare_image`. `lost`: the job can no longer be read
    (Fusion Brain forgets a job once it handed its image out, so an answer lost on the way
    leaves a 404); the same prompt is worth a new job, and no image was judged."""

    state: JobState
    image_bytes: bytes | None = None
    censored: bool = False
    error: str = ""
    retryable: bool = False
    poll_after_seconds: float = 0.0

    @classmethod
    def pending(cls, *, poll_after_seconds: float) -> "PollResult":
        return cls(state="pending", poll_after_seconds=poll_after_seconds)

    @classmethod
    def done(cls, *, image_bytes: bytes, censored: bool = False) -> "PollResult":
        return cls(state="done", image_bytes=image_bytes, censored=censored)

    @classmethod
    def lost(cls, *, error: str) -> "PollResult":
        return cls(state="lost", error=error, retryable=True)

    @classmethod
    def failed(cls, *, error: str, retryable: bool, censored: bool = False) -> "PollResult":
        """`censored` marks a job the provider's filter swallowed: the pipeline reports it as
        a failed "censored" check, so the next attempt is reworded to pass the filter."""
        return cls(state="failed", error=error, retryable=retryable, censored=censored)


class ProviderError(Exception):
    """The call itself did not go through (network, HTTP status, queue full).

    `retryable` calls may be repeated later with backoff (no sooner than `retry_after`
    seconds when the provider said so); the others will fail the same way again.
    `job_may_exist`: a start that timed out may still have made a job at the provider,
    which nobody will poll (an orphan): worth counting and capping. `status`: the HTTP
    status, when there was one.
    """

    def __init__(
        self,
        message: str,
        retryable: bool,
        *,
        retry_after: float | None = None,
        job_may_exist: bool = False,
        status: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.job_may_exist = job_may_exist
        self.status = status


class ImageProvider(ABC):
    name: ClassVar[str]
    blocking: ClassVar[bool] = False

    @classmethod
    @abstractmethod
    def from_settings(cls) -> "ImageProvider":
        """The provider as Django settings configure it."""

    @property
    def model(self) -> str:
        """The model that draws (recorded on every attempt); "" when the provider has one."""
        return ""

    def submit(self, request: ImageRequest) -> SubmitResult:
        """Starts a job; raises `ProviderError` when it could not be started."""
        raise NotImplementedError(f"{self.name} draws in one call: use draw()")

    def poll(self, job_id: str, request: ImageRequest) -> PollResult:
        """Asks about a job once. A `done` result must be stored at once: Fusion Brain
        hands an image out only one time."""
        raise NotImplementedError(f"{self.name} draws in one call: use draw()")

    def draw(self, request: ImageRequest) -> PollResult:
        """Blocking providers: draws the image in one call and answers `done` (the bytes,
        at `request.width`×`request.height`: an engine that cannot take that size draws the
        nearest it can and the provider fits the result) or `failed` (`censored` for a
        refusal by the engine's content filter); raises `ProviderError` when the call did
        not go through (401, 429 with its Retry-After, 5xx, a timeout, malformed answers)."""
        raise NotImplementedError(f"{self.name} runs jobs: use submit() and poll()")


def get_image_provider(name: str | None = None) -> ImageProvider:
    """The provider `name` (by default the one `IMAGE_PROVIDER` names), built (or reused)
    from the current settings. A task keeps the name it was queued with, so a worker
    configured differently from the web process still finishes it with the same provider."""
    name = name or settings.IMAGE_PROVIDER
    if name not in PROVIDERS:
        raise ImproperlyConfigured(
            f"IMAGE_PROVIDER={name!r} is unknown; use one of: {', '.join(PROVIDERS)}."
        )
    return import_string(PROVIDERS[name]).from_settings()
