"""Fusion Brain's style presets: read once from the public list, picked from the brief's
own words, never a reason for a job to fail; and a full queue said plainly."""

import pytest

from contentum.generation.providers.base import ImageRequest, ProviderError
from contentum.generation.providers.kandinsky import KandinskyConfig, pick_style
from contentum.generation.tests.fake_fusionbrain import STYLES


def request(hint: str = "") -> ImageRequest:
    return ImageRequest(prompt="Постер фестиваля", width=256, height=256, style_hint=hint)


def sent_styles(fusionbrain) -> list[str | None]:
    return [run.form["params"].get("style") for run in fusionbrain.requests_to("run")]


@pytest.mark.parametrize(
    ("hint", "style"),
    [
        ("аниме", "ANIME"),
        ("Манга, яркие цвета", "ANIME"),
        ("anime", "ANIME"),
        ("Фотореализм", "UHD"),
        ("реалистичное фото", "UHD"),
        ("высокая детализация", "UHD"),
        ("в стиле Кандинского", "KANDINSKY"),
        ("акварель", "DEFAULT"),
        ("3D", "DEFAULT"),
        ("минимализм", "DEFAULT"),
        ("сюрреализм", "DEFAULT"),
        ("гиперреализм", "UHD"),
        ("реалистичное аниме", "ANIME"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_the_briefs_style_picks_the_nearest_listed_preset(hint, style):
    assert pick_style(hint, STYLES) == style


def test_only_listed_presets_are_picked():
    without_anime_and_default = [s for s in STYLES if s["name"] not in ("ANIME", "DEFAULT")]

    assert pick_style("аниме", without_anime_and_default) == ""
    assert pick_style("аниме", [s for s in STYLES if s["name"] != "ANIME"]) == "DEFAULT"
    assert pick_style("акварель", without_anime_and_default) == ""
    assert pick_style("фото", without_anime_and_default) == "UHD"
    assert pick_style("аниме", []) == ""


def test_a_new_preset_named_in_the_brief_is_picked_by_its_title():
    styles = [*STYLES, {"name": "WATERCOLOR", "title": "Акварель", "titleEn": "Watercolor"}]

    assert pick_style("нежная акварель", styles) == "WATERCOLOR"


def test_the_preset_nearest_to_the_brief_is_sent_and_the_list_read_once(fusionbrain, kandinsky):
    for hint in ("аниме", "фотореализм", "акварель"):
        kandinsky.submit(request(hint))

    assert sent_styles(fusionbrain) == ["ANIME", "UHD", "DEFAULT"]
    [styles] = fusionbrain.requests_to("styles")
    # A public file on another host: the keys stay with the API.
    assert "x-key" not in styles.headers and "x-secret" not in styles.headers


def test_without_a_style_in_the_brief_no_preset_is_sent_nor_the_list_read(fusionbrain, kandinsky):
    kandinsky.submit(request())

    assert sent_styles(fusionbrain) == [None]
    assert fusionbrain.requests_to("styles") == []


def test_kandinsky_style_wins_over_the_brief(fusionbrain):
    provider = fusionbrain.provider(style="KANDINSKY")

    provider.submit(request("аниме"))
    provider.close()

    assert sent_styles(fusionbrain) == ["KANDINSKY"]
    assert fusionbrain.requests_to("styles") == []


@pytest.mark.parametrize("trouble", ["http_error", "malformed", "not_a_list", "timeout"])
def test_an_unreadable_style_list_never_fails_a_job(fusionbrain, trouble):
    provider = fusionbrain.provider(timeout_seconds=0.3)
    if trouble == "http_error":
        fusionbrain.http_errors["styles"] = 503
    elif trouble == "malformed":
        fusionbrain.malformed.add("styles")
    elif trouble == "not_a_list":
        fusionbrain.styles = {"message": "moved"}
    else:
        fusionbrain.delays["styles"] = 2.0

    first = provider.submit(request("аниме"))
    provider.submit(request("аниме"))  # the failure is remembered: not asked again at once

    assert first.job_id
    assert sent_styles(fusionbrain) == [None, None]
    assert len(fusionbrain.requests_to("styles")) == 1

    fusionbrain.http_errors.clear()
    fusionbrain.malformed.clear()
    fusionbrain.delays.clear()
    fusionbrain.styles = [dict(style) for style in STYLES]
    provider._styles_retry_at = 0.0  # the retry delay has passed
    provider.submit(request("аниме"))
    provider.close()

    assert sent_styles(fusionbrain)[-1] == "ANIME"


def test_an_unreachable_style_host_never_fails_a_job(fusionbrain):
    provider = fusionbrain.provider(styles_url="http://127.0.0.1:1/static/styles/key")

    provider.submit(request("аниме"))
    provider.close()

    assert sent_styles(fusionbrain) == [None]


def test_no_styles_url_sends_no_preset(fusionbrain):
    provider = fusionbrain.provider(styles_url="")

    provider.submit(request("аниме"))
    provider.close()

    assert sent_styles(fusionbrain) == [None]


def test_the_styles_url_is_a_setting(settings):
    settings.KANDINSKY_API_KEY, settings.KANDINSKY_SECRET_KEY = "key", "secret"
    settings.KANDINSKY_STYLES_URL = "http://styles.example/key"

    assert KandinskyConfig.from_settings().styles_url == "http://styles.example/key"


@pytest.mark.parametrize("where", ["availability", "run"])
def test_a_full_queue_says_so_and_that_the_request_is_repeated(fusionbrain, kandinsky, where):
    if where == "availability":
        fusionbrain.pipeline_status = "DISABLED_BY_QUEUE"
    else:
        fusionbrain.queue_full = True

    with pytest.raises(ProviderError) as caught:
        kandinsky.submit(request())

    assert caught.value.retryable is True
    assert caught.value.message.startswith("Очередь Kandinsky переполнена (DISABLED_BY_QUEUE)")
    assert "ждём, пока она освободится" in caught.value.message
    assert "повторяется автоматически" in caught.value.message


def test_a_pipeline_down_for_maintenance_is_not_called_a_full_queue(fusionbrain, kandinsky):
    fusionbrain.pipeline_status = "DISABLED_MANUALLY"

    with pytest.raises(ProviderError) as caught:
        kandinsky.submit(request())

    assert "не принимает задания (DISABLED_MANUALLY)" in caught.value.message
    assert "переполнена" not in caught.value.message
