from pathlib import Path

import pytest
from django.core.files import File
from PIL import Image

from contentum.accounts.tests.factories import AdminFactory, UserFactory
from contentum.common.exceptions import ApplicationError
from contentum.design import selectors
from contentum.design.engine import BrandStyle, Canvas, SafeInsets
from contentum.design.models import BrandKit, Format
from contentum.design.services import brand_kit_create
from contentum.design.tests.factories import (
    BrandKitFactory,
    FormatFactory,
    cyrillic_font_bytes,
    font_upload,
    logo_upload,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ratio", "key"),
    [
        ("9:16", "story"),
        ("1:1", "square"),
        ("16:9", "landscape-fullhd"),  # the larger of the two exact 16:9 formats
        ("4:5", "post-4x5"),
        ("18:32", "story"),  # the same ratio, not reduced
        (" 9 x 16 ", "story"),
        ("9×16", "story"),
        ("2:3", "print-a3"),  # no exact one: A3 (1:1.414) is the closest
        ("3:1", "vk-cover"),
        ("5:4", "square"),
        ("100:1", "vk-cover"),
    ],
)
def test_format_for_ratio(ratio, key):
    assert selectors.format_for_ratio(ratio).key == key


@pytest.mark.parametrize("ratio", ["", "квадрат", "16:0", "0:9", "16:9:1", "-9:16", "9.5:16"])
def test_format_for_ratio_is_none_for_what_is_not_a_ratio(ratio):
    assert selectors.format_for_ratio(ratio) is None


def test_format_for_ratio_skips_inactive_formats():
    Format.objects.filter(key="landscape-fullhd").update(is_active=False)
    assert selectors.format_for_ratio("16:9").key == "landscape-hd"
    Format.objects.filter(key__startswith="landscape").update(is_active=False)
    assert selectors.format_for_ratio("16:9").key == "square"  # 1.0 is closer to 1.78 than 3.98
    Format.objects.update(is_active=False)
    assert selectors.format_for_ratio("16:9") is None


def test_an_exact_match_prefers_more_pixels_then_the_menu_order():
    FormatFactory(key="story-4k", width=2160, height=3840, sort_order=999)
    assert selectors.format_for_ratio("9:16").key == "story-4k"
    FormatFactory(key="story-twin", width=2160, height=3840, sort_order=1)
    assert selectors.format_for_ratio("9:16").key == "story-twin"


def test_formats_for_platform_adds_the_universal_ones():
    universal = {"square", "post-4x5", "story", "landscape-hd", "landscape-fullhd"}
    vk = {f.key for f in selectors.formats_for_platform("vk")}
    assert vk == universal | {"vk-cover"}
    assert {f.key for f in selectors.formats_for_platform("print")} == universal | {"print-a3"}
    assert {f.key for f in selectors.formats_for_platform("telegram")} == universal
    assert selectors.formats_for_platform("any").count() == 7
    Format.objects.filter(key="vk-cover").update(is_active=False)
    assert "vk-cover" not in {f.key for f in selectors.formats_for_platform("vk")}


def test_format_get_hides_inactive_formats_from_employees_only():
    Format.objects.filter(key="vk-cover").update(is_active=False)
    assert selectors.format_get("vk-cover").key == "vk-cover"  # internal callers
    assert selectors.format_get("vk-cover", user=AdminFactory()).key == "vk-cover"
    with pytest.raises(ApplicationError) as refused:
        selectors.format_get("vk-cover", user=UserFactory())
    assert refused.value.status_code == 404
    with pytest.raises(ApplicationError):
        selectors.format_get(key="nope")


def test_a_format_knows_its_ratio_and_its_canvas():
    story = Format.objects.get(key="story")
    assert (story.aspect_ratio, story.ratio) == ("9:16", 0.5625)
    assert story.canvas() == Canvas(1080, 1920, SafeInsets(top=269, right=0, bottom=384, left=0))
    assert story.canvas().safe_box.height == 1920 - 269 - 384
    assert Format.objects.get(key="print-a3").aspect_ratio == "877:1240"


def test_no_kit_means_the_engines_defaults():
    assert selectors.active_brand_kit() is None
    assert selectors.brand_style(None) == BrandStyle()
    assert selectors.brand_palette(None) == []
    assert selectors.brand_prompt_suffix(None) == ("", "")


def test_the_active_kit_is_the_one_marked_active():
    BrandKitFactory(name="Выключен")
    kit = BrandKitFactory(name="Включён", is_active=True)
    assert selectors.active_brand_kit() == kit


def test_a_kit_gives_its_palette_text_colour_and_prompt_additions():
    kit = BrandKitFactory(style_words="  графика, гуашь ", negative_prompt="неон ")
    assert selectors.brand_palette(kit) == ["#1a2b3c", "#ff8800", "#fafafa"]
    assert selectors.brand_text_color(kit) == "#fafafa"
    assert selectors.brand_prompt_suffix(kit) == ("графика, гуашь", "неон")


def test_a_kit_without_a_text_colour_leaves_the_choice_to_the_engine():
    kit = BrandKitFactory(colors=[{"hex": "#000000", "role": "primary"}])
    assert selectors.brand_style(kit).text_color is None


def test_brand_style_of_a_kit_with_shipped_fonts():
    kit = brand_kit_create(
        actor=None,
        name="Шрифты",
        title_font="inter",
        body_font="noto-serif",
        colors=[{"hex": "#ABCDEF", "role": "accent"}, {"hex": "#111111", "role": "text"}],
        logo_corner="top-left",
        logo_width_pct=25,
    )
    style = selectors.brand_style(kit)
    assert style == BrandStyle(
        title_font="inter",
        body_font="noto-serif",
        text_color="#111111",
        colors=("#abcdef", "#111111"),
        logo=None,
        logo_corner="top-left",
        logo_width_pct=25,
    )


def test_brand_style_gives_uploaded_fonts_as_paths_and_the_logo_as_rgba():
    kit = brand_kit_create(
        actor=None,
        name="Свои",
        title_font_file=font_upload(),
        logo=logo_upload(png_bytes((80, 40))),
    )
    style = selectors.brand_style(kit)
    assert Path(style.title_font).read_bytes() == cyrillic_font_bytes()
    assert style.title_font == kit.title_font_file.path
    assert style.body_font == "inter"  # no upload: the shipped family
    assert isinstance(style.logo, Image.Image)
    assert (style.logo.mode, style.logo.size) == ("RGBA", (80, 40))


def test_brand_style_copies_fonts_from_a_storage_without_paths(monkeypatch, tmp_path):
    """S3 has no local path: the font is copied to the temp folder once, under its own name."""
    kit = brand_kit_create(actor=None, name="S3", body_font_file=font_upload())
    storage = kit.body_font_file.storage

    def no_path(name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    real_path = storage.path

    def open_by_real_path(name, mode="rb"):
        return File(Path(real_path(name)).open(mode))  # the caller closes it

    monkeypatch.setattr(storage, "open", open_by_real_path)
    monkeypatch.setattr(storage, "path", no_path)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    first = selectors.brand_style(kit).body_font
    assert Path(first).parent == tmp_path / "contentum-brand-fonts"
    assert Path(first).read_bytes() == cyrillic_font_bytes()
    assert selectors.brand_style(kit).body_font == first


def test_a_lost_logo_or_font_file_falls_back_instead_of_failing(caplog):
    kit = brand_kit_create(
        actor=None, name="Потерян", logo=logo_upload(), title_font_file=font_upload()
    )
    kit.logo.storage.delete(kit.logo.name)
    kit.title_font_file.storage.delete(kit.title_font_file.name)

    style = selectors.brand_style(BrandKit.objects.get(pk=kit.pk))

    assert style.logo is None
    assert style.title_font == "noto-serif"
    assert "missing" in caplog.text and "not used" in caplog.text


def test_brand_kit_for_logo_shows_inactive_kits_to_admins_only():
    kit = BrandKitFactory()
    assert selectors.brand_kit_for_logo(user=AdminFactory(), kit_id=kit.pk) == kit
    with pytest.raises(ApplicationError):
        selectors.brand_kit_for_logo(user=UserFactory(), kit_id=kit.pk)
    with pytest.raises(ApplicationError):
        selectors.brand_kit_get(kit_id="not-a-uuid")


# --- Formats for a brief ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "platform"),
    [
        ("VK", "vk"),
        ("вконтакте", "vk"),
        ("  ВК ", "vk"),
        ("Telegram", "telegram"),
        ("телеграм-канал", "telegram"),
        ("Сайт", "site"),
        ("Презентация", "site"),
        ("Печатная афиша", "print"),
        ("печатная  АФИША", "print"),
        ("для печати", "print"),
        ("Instagram", None),
        ("VK и Telegram", None),  # several: none of them
        ("", None),
    ],
)
def test_platform_for_answer(answer, platform):
    assert selectors.platform_for_answer(answer) == platform


def keys(formats) -> list[str]:
    return [f.key for f in formats]


def test_format_choices_put_print_and_site_formats_first_and_social_ones_in_menu_order():
    universal = ["square", "post-4x5", "story", "landscape-hd", "landscape-fullhd"]
    assert keys(selectors.format_choices("VK")) == [*universal, "vk-cover"]
    assert keys(selectors.format_choices("Telegram")) == universal
    assert keys(selectors.format_choices("Печатная афиша")) == ["print-a3", *universal]
    landscape_first = ["landscape-hd", "landscape-fullhd", "square", "post-4x5", "story"]
    assert keys(selectors.format_choices("Сайт")) == landscape_first
    assert keys(selectors.format_choices("Презентация")) == landscape_first


def test_without_a_platform_every_format_is_a_choice_the_square_first():
    Format.objects.filter(key="square").update(sort_order=999)
    choices = keys(selectors.format_choices(""))
    assert choices[0] == "square"
    assert sorted(choices) == sorted(Format.objects.values_list("key", flat=True))


def test_format_choices_follow_the_menu_order_and_skip_inactive_formats():
    FormatFactory(key="vk-post", platform="vk", sort_order=1)
    FormatFactory(key="vk-old", platform="vk", sort_order=0, is_active=False)
    Format.objects.filter(key="story").update(sort_order=1)
    assert keys(selectors.format_choices("VK"))[:2] == ["story", "vk-post"]
    assert "vk-old" not in keys(selectors.format_choices("VK"))


def test_format_choices_cost_one_query_or_none_given_the_formats(django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.format_choices("VK")
    formats = selectors.active_formats()
    with django_assert_num_queries(0):
        assert keys(selectors.format_choices("VK", formats=formats))[-1] == "vk-cover"


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({"aspect_ratio": "9:16"}, "story"),  # a brief from before formats
        ({"platform": "VK", "aspect_ratio": "16:9"}, "landscape-fullhd"),
        ({"platform": "VK", "format": "Истории / клипы 9:16"}, "story"),
        ({"platform": "VK", "format": "story"}, "story"),
        ({"platform": "VK", "format": "4x5"}, "post-4x5"),
        ({"platform": "Telegram", "format": "Обложка сообщества VK"}, "vk-cover"),
        ({"platform": "VK", "format": ""}, "square"),  # skipped: the first offered
        ({"platform": "Печатная афиша"}, "print-a3"),
        ({"platform": "Сайт", "format": "что-то своё"}, "landscape-hd"),
        ({"platform": "пропустить"}, "square"),
        ({}, "square"),
    ],
)
def test_format_for_answers(answers, key):
    assert selectors.format_for_answers(answers).key == key


def test_a_9_16_brief_gets_a_1080_by_1920_format():
    chosen = selectors.format_for_answers({"aspect_ratio": "9:16"})
    assert (chosen.width, chosen.height) == (1080, 1920)


def test_a_ratio_prefers_an_exact_offered_format_then_any_exact_one():
    FormatFactory(key="vk-wide", platform="vk", width=1600, height=400, sort_order=1)
    assert selectors.format_for_answers({"platform": "VK", "format": "4:1"}).key == "vk-wide"
    telegram = {"platform": "Telegram", "format": "4:1"}
    assert selectors.format_for_answers(telegram).key == "vk-wide"  # exact, though not offered
    Format.objects.filter(key="vk-wide").delete()
    assert selectors.format_for_answers(telegram).key == "landscape-fullhd"  # closest offered


def test_format_for_answers_never_returns_none_while_a_format_is_active():
    Format.objects.exclude(key="post-4x5").update(is_active=False)
    assert selectors.format_for_answers({"platform": "VK", "format": "story"}).key == "post-4x5"
    assert selectors.format_for_answers({"platform": "Печатная афиша"}).key == "post-4x5"


def test_format_for_answers_without_any_active_format_is_a_conflict():
    Format.objects.update(is_active=False)
    with pytest.raises(ApplicationError) as refused:
        selectors.format_for_answers({"format": "story"})
    assert refused.value.status_code == 409
    assert refused.value.message == selectors.NO_ACTIVE_FORMATS


def test_format_for_answers_costs_one_query_or_none_given_the_formats(django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.format_for_answers({"platform": "VK", "format": "9:16"})
    formats = selectors.active_formats()
    with django_assert_num_queries(0):
        selectors.format_for_answers({"platform": "VK", "format": "9:16"}, formats=formats)
