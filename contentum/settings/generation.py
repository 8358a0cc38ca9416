"""Settings of the generation domain, read from the environment."""

from contentum.settings.environment import env

# --- Image provider ---------------------------------------------------------------------
# `simulation` draws images locally (no network); `kandinsky` calls the Fusion Brain API.
IMAGE_PROVIDER = env("IMAGE_PROVIDER", default="simulation")
# A provider answer larger than this is refused before decoding (Bad input in issue 5).
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=20 * 1024 * 1024)
# A small compressed file can still decode to gigabytes; refuse more pixels than this.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=4096 * 4096)

# Seconds a simulated job stays pending, so polling can be seen and tested.
SIMULATION_LATENCY_SECONDS = env.float("SIMULATION_LATENCY_SECONDS", default=0.0)
# none | blank | blurred | wrong_size | error: what a failing simulated attempt does.
SIMULATION_FAILURE_MODE = env("SIMULATION_FAILURE_MODE", default="none")
# How many first attempts fail in that mode; unset means every attempt fails.
SIMULATION_FAILURE_ATTEMPTS = env.int("SIMULATION_FAILURE_ATTEMPTS", default=None)

KANDINSKY_BASE_URL = env("KANDINSKY_BASE_URL", default="https://api-key.fusionbrain.ai/")
KANDINSKY_API_KEY = env("KANDINSKY_API_KEY", default="")
KANDINSKY_SECRET_KEY = env("KANDINSKY_SECRET_KEY", default="")
KANDINSKY_TIMEOUT_SECONDS = env.float("KANDINSKY_TIMEOUT_SECONDS", default=30.0)
# How long to wait before asking Fusion Brain about a job again (a re-scheduled poll).
KANDINSKY_POLL_INTERVAL_SECONDS = env.float("KANDINSKY_POLL_INTERVAL_SECONDS", default=5.0)
# A Fusion Brain style preset (e.g. DEFAULT, UHD, ANIME, KANDINSKY); empty sends none.
KANDINSKY_STYLE = env("KANDINSKY_STYLE", default="")

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
# `rules` rewrites prompts offline; `llm` asks the configured LLM and falls back to rules.
PARAPHRASER = env("PARAPHRASER", default="rules")
