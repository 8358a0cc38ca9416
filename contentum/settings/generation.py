"""Settings of the generation domain, read from the environment."""

from kombu import Exchange, Queue

from contentum.settings.environment import env

# --- Image provider ---------------------------------------------------------------------
# `simulation` draws images locally (no network); `kandinsky` calls the Fusion Brain API;
# `openai` any OpenAI-compatible /v1/images/generations; `gigachat` GigaChat's own drawing.
IMAGE_PROVIDER = env("IMAGE_PROVIDER", default="simulation")
# A provider answer larger than this is refused before decoding (Bad input in issue 5).
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=20 * 1024 * 1024)
# A small compressed file can still decode to gigabytes; refuse more pixels than this.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=4096 * 4096)
# zlib level of the stored PNG (0-9). 3 costs a quarter of the time of 6 on a photo-like
# 1024x1024 image (~100 ms vs ~370 ms per image in the worker) for a ~10 % larger file.
IMAGE_PNG_COMPRESS_LEVEL = env.int("IMAGE_PNG_COMPRESS_LEVEL", default=3)

# Seconds a simulated job stays pending, so polling can be seen and tested.
SIMULATION_LATENCY_SECONDS = env.float("SIMULATION_LATENCY_SECONDS", default=0.0)
# none | blank | blurred | wrong_size | error: what a failing simulated attempt does.
SIMULATION_FAILURE_MODE = env("SIMULATION_FAILURE_MODE", default="none")
# How many first attempts fail in that mode; unset means every attempt fails.
SIMULATION_FAILURE_ATTEMPTS = env.int("SIMULATION_FAILURE_ATTEMPTS", default=None)

KANDINSKY_BASE_URL = env("KANDINSKY_BASE_URL", default="https://api-key.fusionbrain.ai/")
KANDINSKY_API_KEY = env("KANDINSKY_API_KEY", default="")
KANDINSKY_SECRET_KEY = env("KANDINSKY_SECRET_KEY", default="")
KANDINSKY_TIMEOUT_SECONDS = env.float("KANDINSKY_TIMEOUT_SECONDS", default=15.0)
# `run` (POST pipeline/run) has its own timeout: a run that timed out may still have made a
# job at the provider (an orphan nobody polls), so it is given longer than a status call.
KANDINSKY_RUN_TIMEOUT_SECONDS = env.float("KANDINSKY_RUN_TIMEOUT_SECONDS", default=60.0)
# How long to wait before asking Fusion Brain about a job again (a re-scheduled poll).
KANDINSKY_POLL_INTERVAL_SECONDS = env.float("KANDINSKY_POLL_INTERVAL_SECONDS", default=5.0)
# A Fusion Brain style preset (e.g. DEFAULT, UHD, ANIME, KANDINSKY); empty sends none.
KANDINSKY_STYLE = env("KANDINSKY_STYLE", default="")
# Fusion Brain's public list of presets: without KANDINSKY_STYLE a brief's style picks the
# nearest one listed (empty: no preset is sent).
KANDINSKY_STYLES_URL = env(
    "KANDINSKY_STYLES_URL", default="https://cdn.fusionbrain.ai/static/styles/key"
)

# An OpenAI-compatible image server (LocalAI, Ollama, stable-diffusion.cpp, vLLM-Omni,
# OpenVINO Model Server, LiteLLM, OpenAI): its base URL as the OpenAI SDK takes it (ending
# in /v1), a key (empty for servers that need none) and the model to ask for.
OPENAI_IMAGE_BASE_URL = env("OPENAI_IMAGE_BASE_URL", default="")
OPENAI_IMAGE_API_KEY = env("OPENAI_IMAGE_API_KEY", default="")
OPENAI_IMAGE_MODEL = env("OPENAI_IMAGE_MODEL", default="")
# The sizes the engine accepts ("1024x1024,1024x1536,1536x1024"); empty: any size asked
# (in steps of 64). Another size is drawn at the nearest accepted one and fitted.
OPENAI_IMAGE_SIZES = env.list("OPENAI_IMAGE_SIZES", default=[])
# One call blocks until the image is ready (10–60 s on real engines).
OPENAI_IMAGE_TIMEOUT_SECONDS = env.float("OPENAI_IMAGE_TIMEOUT_SECONDS", default=120.0)

# GigaChat draws with its built-in text2image function (the GIGACHAT_* settings of the
# prompts domain: credentials, scope, addresses); the model asked to draw:
GIGACHAT_IMAGE_MODEL = env("GIGACHAT_IMAGE_MODEL", default="GigaChat-2-Max")
GIGACHAT_IMAGE_TIMEOUT_SECONDS = env.float("GIGACHAT_IMAGE_TIMEOUT_SECONDS", default=120.0)

# Blocking providers (openai, gigachat) run on a queue of their own, served by a
# thread-pool worker of this many threads (`make run` starts it): they never hold a slot
# of the prefork pool that polls Kandinsky.
GENERATION_BLOCKING_CONCURRENCY = env.int("GENERATION_BLOCKING_CONCURRENCY", default=32)

# --- Quality checks ---------------------------------------------------------------------
# Luminance is measured on a 0..255 scale. Defaults pass the simulation's images and fail
# its blank, blurred and wrong-size ones (see generation/tests/test_quality.py).
QUALITY_MIN_STDDEV = env.float("QUALITY_MIN_STDDEV", default=8.0)
QUALITY_MIN_SHARPNESS = env.float("QUALITY_MIN_SHARPNESS", default=40.0)
QUALITY_MIN_BRIGHTNESS = env.float("QUALITY_MIN_BRIGHTNESS", default=25.0)
QUALITY_MAX_BRIGHTNESS = env.float("QUALITY_MAX_BRIGHTNESS", default=235.0)
QUALITY_MIN_CONTRAST = env.float("QUALITY_MIN_CONTRAST", default=30.0)
# Largest relative difference between the asked and the actual aspect ratio.
QUALITY_ASPECT_TOLERANCE = env.float("QUALITY_ASPECT_TOLERANCE", default=0.02)
# Dotted paths of extra `contentum.generation.quality.Detector` classes (people, hands, …).
QUALITY_EXTRA_DETECTORS = env.list("QUALITY_EXTRA_DETECTORS", default=[])

# --- Regeneration -----------------------------------------------------------------------
# `auto` asks GigaChat when GIGACHAT_CREDENTIALS are set and uses the offline rules
# otherwise; `rules` never calls the network; `llm` is `auto` that warns without an LLM.
PARAPHRASER = env("PARAPHRASER", default="auto")

# --- Links and sharing ------------------------------------------------------------------
# The public address of the API (e.g. https://contentum.example.com) for absolute links in
# chat messages. Empty: the address the request came in on (a worker has no request, so
# each task keeps the origin it was queued from); with neither, links are relative.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="").rstrip("/")
# How long a link made by POST generation-tasks/{id}/share/ opens the image without a token.
GENERATION_SHARE_TTL_SECONDS = env.int("GENERATION_SHARE_TTL_SECONDS", default=24 * 3600)

# --- Quotas ---------------------------------------------------------------------------
# Provider images each account may start a calendar month (TIME_ZONE), unless an admin set
# its own (`monthlyImageQuota`); 0: no limit. Regenerations our own checks ask for, and
# jobs drawn again after a lost answer, are not charged to the user.
GENERATION_MONTHLY_QUOTA = env.int("GENERATION_MONTHLY_QUOTA", default=0)

# Variants: a brief yields this many posters to choose from unless the user answers the
# chat's `variant_count` question (or `generate/` gets `variant_count`); at most the
# maximum, which may not exceed 4 (variants run side by side at the provider).
VARIANTS_HARD_LIMIT = 4
GENERATION_VARIANTS_MAX = min(max(env.int("GENERATION_VARIANTS_MAX", default=4), 1), 4)
GENERATION_VARIANTS_DEFAULT = min(
    max(env.int("GENERATION_VARIANTS_DEFAULT", default=2), 1), GENERATION_VARIANTS_MAX
)

# --- Pipeline ---------------------------------------------------------------------------
# Retryable provider trouble (queue full, 429, 5xx, timeouts) per attempt, each retried
# after an exponential backoff (base, doubled each time, capped; Retry-After honoured up
# to the cap); past the count the task fails with the provider's message.
GENERATION_PROVIDER_MAX_RETRIES = env.int("GENERATION_PROVIDER_MAX_RETRIES", default=8)
GENERATION_RETRY_BASE_SECONDS = env.float("GENERATION_RETRY_BASE_SECONDS", default=2.0)
GENERATION_RETRY_MAX_SECONDS = env.float("GENERATION_RETRY_MAX_SECONDS", default=60.0)
# A provider job still pending after this long is given up (the attempt fails, the next
# attempt starts if any are left).
GENERATION_JOB_TIMEOUT_SECONDS = env.int("GENERATION_JOB_TIMEOUT_SECONDS", default=600)
# A job whose finished image was lost on the way (Fusion Brain answers 404 once it handed
# the image out) is started again with the same prompt, at most this many times per
# attempt; these restarts do not use up the task's attempts.
GENERATION_MAX_LOST_JOBS = env.int("GENERATION_MAX_LOST_JOBS", default=3)
# `run` calls that timed out (each may leave an orphaned job at the provider) retried per
# attempt; one more fails the task instead of piling up jobs nobody polls.
GENERATION_MAX_ORPHANED_RUNS = env.int("GENERATION_MAX_ORPHANED_RUNS", default=2)
# A step that met a database error (connection dropped, database restarting) closes its
# connection and runs again after a backoff, at most this many times.
GENERATION_DB_MAX_RETRIES = env.int("GENERATION_DB_MAX_RETRIES", default=5)
# Soft time limits of the Celery tasks (the hard limit is 30 s later). `submit` may wait on
# the LLM paraphrase and three provider calls; a `poll` is one call plus checks.
# `enrich` waits on the LLM enricher (one call per short answer, side by side).
GENERATION_ENRICH_TIME_LIMIT = env.int("GENERATION_ENRICH_TIME_LIMIT", default=45)
GENERATION_SUBMIT_TIME_LIMIT = env.int("GENERATION_SUBMIT_TIME_LIMIT", default=120)
GENERATION_POLL_TIME_LIMIT = env.int("GENERATION_POLL_TIME_LIMIT", default=30)
# `draw` is one blocking provider call (openai, gigachat: up to its own timeout, 120 s)
# plus the checks.
GENERATION_DRAW_TIME_LIMIT = env.int("GENERATION_DRAW_TIME_LIMIT", default=150)
GENERATION_SWEEP_TIME_LIMIT = env.int("GENERATION_SWEEP_TIME_LIMIT", default=60)
GENERATION_HARD_TIME_LIMIT_MARGIN = 30

# --- Sweeper (lost work) ----------------------------------------------------------------
# Every step a task waits for has a deadline: when it was due, plus that step's own soft
# time limit, plus this margin (the time a message may wait in a busy queue). A task past
# its deadline lost its message (the worker was killed, the broker was down or dropped it)
# and is resumed from where it stopped, at most GENERATION_MAX_RECOVERIES times; after that
# it fails with a reason saying so. A worker sweeps once when it starts, then beat every
# GENERATION_SWEEP_INTERVAL_SECONDS, so a lost step is found within about a minute.
GENERATION_DEADLINE_MARGIN_SECONDS = env.int("GENERATION_DEADLINE_MARGIN_SECONDS", default=10)
GENERATION_MAX_RECOVERIES = env.int("GENERATION_MAX_RECOVERIES", default=2)
GENERATION_SWEEP_INTERVAL_SECONDS = env.int("GENERATION_SWEEP_INTERVAL_SECONDS", default=10)
GENERATION_SWEEP_BATCH = env.int("GENERATION_SWEEP_BATCH", default=100)

# --- Celery routing ---------------------------------------------------------------------
# Long steps (paraphrase, submit) never delay the short polls of hundreds of jobs in
# flight, and the sweeper runs even when both are backed up. The prefork worker consumes
# celery,generation,polling,maintenance; blocking provider calls (`draw`) go to
# generation-blocking, served by a thread-pool worker (scripts/run.sh starts both).
# A prefix for the three queue names, only so that several deployments (or test runs)
# can share one Redis database without taking each other's messages. With a prefix, pass
# the prefixed names to `worker -Q` (or no -Q: CELERY_TASK_QUEUES lists them).
GENERATION_QUEUE_PREFIX = env("GENERATION_QUEUE_PREFIX", default="")
_QUEUE = {
    name: f"{GENERATION_QUEUE_PREFIX}{name}"
    for name in ("generation", "polling", "maintenance", "generation-blocking")
}
GENERATION_QUEUES = tuple(_QUEUE.values())
# Declared (with Celery's default `celery` queue) so that a plain `celery -A contentum
# worker` without -Q consumes every queue; -Q still narrows a worker to some of them.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in ("celery", *GENERATION_QUEUES)
]
CELERY_TASK_ROUTES = {
    "generation.enrich": {"queue": _QUEUE["generation"]},
    "generation.submit": {"queue": _QUEUE["generation"]},
    "generation.poll": {"queue": _QUEUE["polling"]},
    # Blocking provider calls: a thread-pool worker of their own (scripts/run.sh).
    "generation.draw": {"queue": _QUEUE["generation-blocking"]},
    "generation.sweep": {"queue": _QUEUE["maintenance"]},
}

# Merged into CELERY_BEAT_SCHEDULE by settings/base.py. `expires`: sweeps that piled up
# while no worker ran are dropped rather than run back to back.
GENERATION_BEAT_SCHEDULE = {
    "generation-sweep-stuck-tasks": {
        "task": "generation.sweep",
        "schedule": GENERATION_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": _QUEUE["maintenance"], "expires": GENERATION_SWEEP_INTERVAL_SECONDS},
    },
}

# --- Image storage ----------------------------------------------------------------------
# Images and thumbnails are files in Django's default storage: MEDIA_ROOT (var/media) on
# local disk unless AWS_STORAGE_BUCKET_NAME is set, in which case settings/base.py switches
# STORAGES["default"] to django-storages' S3 backend (pip install 'contentum[s3]'). Any
# S3-compatible service works through AWS_S3_ENDPOINT_URL (MinIO, Yandex Object Storage).
# Files are never public: the API streams them to the owner, an admin or a signed link.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_LOCATION = env("AWS_LOCATION", default="")
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
# Presigned links signed with SigV4: SigV2 is deprecated and refused by newer regions.
AWS_S3_SIGNATURE_VERSION = "s3v4"
# With a bucket, the file endpoints may answer 302 to a presigned link that lasts this many
# seconds, so the bytes come from the bucket instead of through a web worker. 0 streams
# them through Django. A browser client on another origin needs a CORS rule on the bucket.
IMAGE_REDIRECT_SECONDS = max(env.int("IMAGE_REDIRECT_SECONDS", default=0), 0)
