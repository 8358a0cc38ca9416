"""A task with a format ends in a poster: the background drawn at the nearest size the
provider can, fitted to the format's exact size, the text typeset on it, measured from
the pixels (issue 16)."""

import io

import numpy as np
import pytest
from PIL import Image

from contentum.design.models import BrandKit, Format
from contentum.design.tests.factories import png_bytes
from contentum.generation import services
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.tests.factories import PROMPT

pytestmark = pytest.mark.django_db

TEXT = {"title": "Вишнёвый сад", "lines": ["12 декабря, 19:00", "Малая сцена"]}


def srgb_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance, written out here rather than taken from the engine."""
    c = rgb.astype(np.float64) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def measured_contrast(poster: Image.Image, box: list[int], text_hex: str) -> float:
    """Contrast of the text colour against the worst tenth of the pixels around the glyphs
    in `box` (pixels close to the text colour are the glyphs themselves)."""
    pixels = np.asarray(poster.crop(box).convert("RGB"), dtype=np.float64).reshape(-1, 3)
    text = np.array([int(text_hex[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    distance = np.linalg.norm(pixels - text, axis=1)
    assert (distance < 40).mean() > 0.03, "no glyph pixels in the text colour"
    backdrop = srgb_luminance(pixels[distance > 150])
    text_l = srgb_luminance(text[None, :])[0]
    worst = np.percentile(backdrop, 90 if text_l < 0.5 else 10)
    light, dark = max(text_l, worst), min(text_l, worst)
    return (light + 0.05) / (dark + 0.05)


def open_image(field) -> Image.Image:
    with field.open("rb") as stored:
        return Image.open(io.BytesIO(stored.read())).convert("RGB")


@pytest.fixture
def story() -> Format:
    return Format.objects.get(key="story")


@pytest.fixture
def poster_task(simulation, employee, run_pipeline, story):
    def make(**fields) -> GenerationTask:
        values = {
            "prompt": PROMPT,
            "width": 576,
            "height": 1024,
            "max_attempts": 1,
            "poster_format": story,
            "poster_text": TEXT,
            **fields,
        }
        with run_pipeline():
            task = services.generation_task_create(user=employee, **values)
        return GenerationTask.objects.get(pk=task.pk)

    return make


def test_a_story_brief_gives_a_1080x1920_poster_with_legible_text_in_the_safe_zone(
    poster_task,
):
    task = poster_task()

    assert task.status == TaskStatus.SUCCESS, task.last_error
    poster, background = open_image(task.image), open_image(task.background)
    assert poster.size == background.size == (1080, 1920)
    assert open_image(task.attempt_set.get().image).size == (576, 1024)  # what was drawn
    layout = task.poster_layout
    top, bottom = round(1920 * 0.14), 1920 - round(1920 * 0.20)
    texts = [block["text"] for block in layout["blocks"]]
    assert texts[0] == "Вишнёвый сад" and "12 декабря, 19:00" in texts
    for block in layout["blocks"]:
        for box in block["line_boxes"]:
            assert top <= box[1] and box[3] <= bottom, (block["text"], box)
            assert measured_contrast(poster, box, layout["text_color"]) >= 4.5, block["text"]
    # the text is on the poster, not on the clean background
    title_box = layout["blocks"][0]["line_boxes"][0]
    assert (
        np.abs(
            np.asarray(poster.crop(title_box), dtype=int)
            - np.asarray(background.crop(title_box), dtype=int)
        ).mean()
        > 10
    )
    report = task.attempt_set.get().quality_report
    names = {check["name"]: check["passed"] for check in report["checks"]}
    assert names["poster_size"] and names["text_in_safe_zone"] and names["text_contrast"]


def test_the_brand_logo_is_on_the_poster(poster_task, media):
    from django.core.files.base import ContentFile

    kit = BrandKit(name="Театр", is_active=True, colors=[], logo_corner="bottom-right")
    kit.logo.save("logo.png", ContentFile(png_bytes((200, 100))), save=False)
    kit.save()

    task = poster_task()

    logo = task.poster_layout["logo"]
    assert logo is not None
    poster, background = open_image(task.image), open_image(task.background)
    box = logo["box"]
    assert box[3] <= 1920 - round(1920 * 0.20)  # inside the safe zone, above the UI
    inside = np.asarray(poster.crop(box), dtype=int) - np.asarray(background.crop(box), dtype=int)
    assert np.abs(inside).mean() > 10


@pytest.mark.parametrize(
    ("title", "says"),
    [("Очень длинное название " * 30, "3 %"), ("Вишнёвый сад 🎭", "🎭")],
    ids=["too-long", "emoji"],
)
def test_a_title_that_cannot_be_set_is_refused_by_name_and_nothing_is_stored(
    simulation, employee, story, title, says
):
    from contentum.common.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        services.generation_task_create(
            user=employee,
            prompt=PROMPT,
            width=576,
            height=1024,
            poster_format=story,
            poster_text={"title": title},
        )

    assert refused.value.errors["title"] and says in refused.value.message
    assert not GenerationTask.objects.exists()


def test_a_background_off_the_brand_palette_is_drawn_again_stating_the_colours(
    poster_task,
):
    BrandKit.objects.create(
        name="Кислотный", is_active=True, colors=[{"hex": "#00FF00", "role": "primary"}]
    )

    task = poster_task(max_attempts=2)

    first, second = task.attempt_set.order_by("number")
    palette = next(c for c in first.quality_report["checks"] if c["name"] == "palette")
    assert palette["passed"] is False and palette["value"] < palette["threshold"]
    assert second.prompt.startswith("Главные цвета кадра — ярко-зелёный")


@pytest.fixture
def fusion_poster(kandinsky_pipeline, employee, run_pipeline, story):
    """A finished poster drawn by the fake Fusion Brain, which counts its jobs."""
    from contentum.generation.tests.fake_fusionbrain import small_png

    kandinsky_pipeline._image_b64 = __import__("base64").b64encode(small_png(512)).decode()
    with run_pipeline():
        task = services.generation_task_create(
            user=employee,
            prompt=PROMPT,
            width=512,
            height=512,
            max_attempts=1,
            poster_format=Format.objects.get(key="square"),
            poster_text=TEXT,
        )
    return GenerationTask.objects.get(pk=task.pk)


def text_url(task) -> str:
    return f"/api/generation-tasks/{task.pk}/text/"


def test_new_text_recomposes_the_poster_with_no_provider_call(
    fusion_poster, kandinsky_pipeline, employee_client
):
    task = fusion_poster
    assert task.status == TaskStatus.SUCCESS, task.last_error
    runs, before = len(kandinsky_pipeline.requests_to("run")), open_image(task.image)

    response = employee_client.patch(
        text_url(task),
        {"title": "Чайка", "lines": ["1 января, 18:00"], "call_to_action": "Билеты на сайте"},
        format="json",
    )

    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert len(kandinsky_pipeline.requests_to("run")) == runs  # no new job
    assert task.attempts == 1 and task.attempt_set.count() == 1
    texts = [block["text"] for block in task.poster_layout["blocks"]]
    assert texts[0] == "Чайка" and "Билеты на сайте" in texts
    after = open_image(task.image)
    assert after.size == (1080, 1080)
    assert np.abs(np.asarray(after, dtype=int) - np.asarray(before, dtype=int)).mean() > 1
    data = response.json()["data"]
    assert data["poster"]["text"]["title"] == "Чайка"
    box = task.poster_layout["blocks"][0]["line_boxes"][0]
    assert measured_contrast(after, box, task.poster_layout["text_color"]) >= 4.5


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"title": "Очень длинное название спектакля " * 8}, "title", "3 %"),
        ({"title": "Вишнёвый сад 🎭"}, "title", "🎭"),
        ({"title": "Вишнёвый сад", "lines": ["Малая сцена 🎟"]}, "lines", "🎟"),
        ({"title": ""}, "title", ""),
        ({"title": "Сад", "lines": "не список"}, "lines", ""),
    ],
)
def test_text_that_cannot_be_set_is_a_400_naming_it_and_nothing_changes(
    fusion_poster, employee_client, body, field, says
):
    task = fusion_poster
    image, text = task.image.name, dict(task.poster_text)

    response = employee_client.patch(text_url(task), body, format="json")

    assert response.status_code == 400, response.content
    envelope = response.json()
    assert field in envelope["errors"] and says in envelope["message"]
    task.refresh_from_db()
    assert (task.image.name, task.poster_text) == (image, text)


def test_downloads_convert_on_the_way_out(fusion_poster, employee_client):
    base = f"/api/generation-tasks/{fusion_poster.pk}/download/"
    answers = {
        query: employee_client.get(base + query)
        for query in ("", "?format=jpeg", "?format=webp", "?layer=background")
    }

    kinds = {
        query: Image.open(io.BytesIO(b"".join(r.streaming_content if r.streaming else [r.content])))
        for query, r in answers.items()
    }
    assert [kinds[q].format for q in answers] == ["PNG", "JPEG", "WEBP", "PNG"]
    assert all(image.size == (1080, 1080) for image in kinds.values())
    assert answers["?format=jpeg"]["Content-Type"] == "image/jpeg"
    poster, background = kinds[""].convert("RGB"), kinds["?layer=background"].convert("RGB")
    box = fusion_poster.poster_layout["blocks"][0]["line_boxes"][0]
    diff = np.asarray(poster.crop(box), dtype=int) - np.asarray(background.crop(box), dtype=int)
    assert np.abs(diff).mean() > 10  # the background has no text
    assert employee_client.get(base + "?format=gif").status_code == 400


def test_a_client_revalidates_the_poster_and_sees_a_new_one_after_a_text_edit(
    fusion_poster, employee_client
):
    url = f"/api/generation-tasks/{fusion_poster.pk}/image/"
    first = employee_client.get(url)
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]

    assert employee_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    employee_client.patch(
        f"/api/generation-tasks/{fusion_poster.pk}/text/", {"title": "Чайка"}, format="json"
    )
    again = employee_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 200 and again["ETag"] != etag


@pytest.mark.parametrize(("style", "family"), [("Минимализм", "inter"), ("Акварель", "noto-serif")])
def test_without_a_brand_kit_the_briefs_style_picks_the_title_family(poster_task, style, family):
    from contentum.generation.posters import font_for_style

    task = poster_task(poster_text={**TEXT, "font": font_for_style(style)})

    title = task.poster_layout["blocks"][0]
    assert family in title["font"]


def test_a_brand_kits_fonts_win_over_the_briefs_style(poster_task):
    BrandKit.objects.create(name="Театр", is_active=True, title_font="inter", body_font="inter")

    task = poster_task(poster_text={**TEXT, "font": "noto-serif"})

    assert "inter" in task.poster_layout["blocks"][0]["font"]


class CountingUpscaler:
    """A plug-in upscaler for the test: nearest-neighbour, and it counts its calls."""

    calls = 0

    def resize(self, image, width, height):
        CountingUpscaler.calls += 1
        return image.resize((width, height), Image.Resampling.NEAREST)


def test_a_plugged_in_upscaler_scales_the_background(poster_task, settings):
    settings.DESIGN_UPSCALER = f"{__name__}.CountingUpscaler"
    CountingUpscaler.calls = 0

    task = poster_task()

    assert task.status == TaskStatus.SUCCESS
    assert CountingUpscaler.calls == 1
    assert open_image(task.background).size == (1080, 1920)
