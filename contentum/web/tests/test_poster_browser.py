"""A chat's poster in a real browser: shown whole at its format's size, its text changed
in place (and refused in the server's words when it cannot fit), downloaded in each format.

Screenshots go to test-artifacts/browser/ (poster-*.png), at 1280×800 and at 390×844.
"""

import hashlib
import io

import pytest
from PIL import Image

from contentum.web.tests.steps import (
    SINGLE,
    STORY,
    expect,
    new_chat,
    new_email,
    quick_reply,
    register,
    skip,
    type_answer,
    wait_for_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TITLE = "Джаз у моря"
DATE = "12 декабря, 19:00"
VENUE = "Малая сцена"
TOO_LONG_TITLE = " ".join(["Большой осенний фестиваль камерной музыки"] * 6)


def chat_to_story_poster(page) -> None:
    """A new chat answered to the end with a date and a venue, in the story format."""
    new_chat(page)
    type_answer(page, "Афиша джазового вечера")
    type_answer(page, TITLE)
    type_answer(page, DATE)
    type_answer(page, VENUE)
    skip(page)  # genre
    skip(page)  # style
    type_answer(page, "саксофон в свете софитов")
    skip(page)  # palette
    skip(page)  # associations
    quick_reply(page, SINGLE)  # one poster, no variants
    skip(page)  # platform
    quick_reply(page, STORY)
    wait_for_image(page)


def poster(page):
    return page.locator(".poster-result").last


def task_detail(page) -> dict:
    """The chat's task as the API gives it to its owner."""
    token = page.evaluate("localStorage.getItem('contentum.access')")
    headers = {"Authorization": f"Bearer {token}"}
    chat_id = page.url.rstrip("/").rsplit("/", 1)[1]
    tasks = page.request.get(f"/api/generation-tasks/?chat={chat_id}", headers=headers).json()
    task_id = tasks["results"][0]["id"]
    return page.request.get(f"/api/generation-tasks/{task_id}/", headers=headers).json()


def download(page, figure, label: str):
    with page.expect_download() as info:
        figure.get_by_role("group", name="Скачать постер").get_by_role("button", name=label).click()
    return info.value


def test_poster_is_shown_whole_with_its_format_size_and_safe_zone(page, shoot):
    register(page, new_email(), name="Вера Орлова")
    chat_to_story_poster(page)
    page.set_viewport_size(DESKTOP)
    figure = poster(page)
    figure.scroll_into_view_if_needed()

    expect(figure.locator(".poster-meta")).to_have_text("Истории / клипы 9:16 · 1080×1920 px")
    image = figure.locator("img.poster-image")
    expect(image).to_have_attribute("alt", f"Постер «{TITLE}». {DATE}. {VENUE}")
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1080, 1920]
    # Whole and undistorted: the poster's ratio, within the screen's height.
    box = figure.locator(".poster-frame").bounding_box()
    assert abs(box["width"] / box["height"] - 1080 / 1920) < 0.01
    assert box["height"] <= DESKTOP["height"]
    expect(page.locator("#chat-status")).to_have_text("Изображение готово.")

    # The safe zone: off, then on (bands top and bottom for a story), then off again.
    toggle = figure.get_by_role("button", name="Безопасная зона")
    overlay = figure.locator(".safe-overlay")
    expect(overlay).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(overlay).to_be_visible()
    expect(overlay.locator(".safe-band")).to_have_count(2)
    figure.scroll_into_view_if_needed()
    page.evaluate("document.activeElement.blur()")
    shoot("poster-01-result-1280x800")

    page.set_viewport_size(PHONE)
    figure.locator(".poster-frame").scroll_into_view_if_needed()
    box = figure.locator(".poster-frame").bounding_box()
    assert abs(box["width"] / box["height"] - 1080 / 1920) < 0.01
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot("poster-02-result-390x844")
    toggle.click()
    expect(overlay).to_be_hidden()
    page.set_viewport_size(DESKTOP)

    # The download menu: the three formats and the clean background; Escape closes it.
    menu_button = figure.get_by_role("button", name="Скачать", exact=True)
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    menu = figure.get_by_role("group", name="Скачать постер")
    expect(menu.get_by_role("button")).to_have_text(["PNG", "JPEG", "WebP", "Фон без текста"])
    expect(menu.get_by_role("button", name="PNG")).to_be_focused()
    shoot("poster-03-download-menu-1280x800")

    jpeg = download(page, figure, "JPEG")
    assert jpeg.suggested_filename == "afisha-джаз-у-моря.jpg"
    with Image.open(jpeg.path()) as picture:
        assert (picture.format, picture.size) == ("JPEG", (1080, 1920))
    webp = download(page, figure, "WebP")
    assert webp.suggested_filename == "afisha-джаз-у-моря.webp"
    with Image.open(webp.path()) as picture:
        assert (picture.format, picture.size) == ("WEBP", (1080, 1920))
    background = download(page, figure, "Фон без текста")
    assert background.suggested_filename == "afisha-джаз-у-моря-fon.png"
    with Image.open(background.path()) as picture:
        assert picture.format == "PNG"

    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(menu_button).to_be_focused()
    expect(menu_button).to_have_attribute("aria-expanded", "false")


def test_text_editor_changes_the_poster_and_shows_why_a_title_cannot_fit(page, shoot):
    register(page, new_email(), name="Глеб Морозов")
    chat_to_story_poster(page)
    page.set_viewport_size(DESKTOP)
    figure = poster(page)
    menu_button = figure.get_by_role("button", name="Скачать", exact=True)
    menu_button.click()
    before = hashlib.sha256(download(page, figure, "PNG").path().read_bytes()).digest()
    menu_button.click()

    # Opened: prefilled with the poster's text, the title focused.
    edit = figure.get_by_role("button", name="Изменить текст")
    edit.click()
    editor = figure.get_by_role("form", name="Текст постера")
    title = editor.get_by_label("Название")
    expect(title).to_be_focused()
    expect(title).to_have_value(TITLE)
    expect(editor.get_by_label("Строка 1 — дата и время")).to_have_value(DATE)
    expect(editor.get_by_label("Строка 2 — место")).to_have_value(VENUE)
    expect(editor.get_by_label("Строка 3")).to_have_value("")
    expect(editor.get_by_label("Призыв к действию")).to_have_value("")
    shoot("poster-04-editor-1280x800")
    page.set_viewport_size(PHONE)
    editor.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot("poster-05-editor-390x844")

    # Escape closes it, the focus back on its button; nothing is sent.
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    expect(edit).to_be_focused()
    expect(edit).to_have_attribute("aria-expanded", "false")
    page.set_viewport_size(DESKTOP)

    # A title that cannot fit: the server's reason under the field, the input kept.
    edit.click()
    title.fill(TOO_LONG_TITLE)
    title.press("Enter")
    error = editor.locator("[data-error-for=title]")
    expect(error).to_contain_text("Название слишком длинное для этого формата")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_value(TOO_LONG_TITLE)
    expect(title).to_be_focused()
    assert task_detail(page)["poster"]["text"]["title"] == TITLE
    page.set_viewport_size(PHONE)
    error.scroll_into_view_if_needed()
    shoot("poster-06-editor-error-390x844")
    page.set_viewport_size(DESKTOP)

    # New text: saved by Enter, the poster shown again from the server.
    old_src = figure.locator("img.poster-image").get_attribute("src")
    title.fill("Вечер камерной музыки")
    editor.get_by_label("Строка 1 — дата и время").fill("14 декабря, 18:00")
    editor.get_by_label("Строка 3").fill("Вход свободный")
    editor.get_by_label("Призыв к действию").fill("Билеты на сайте")
    editor.get_by_label("Призыв к действию").press("Enter")
    expect(figure.get_by_role("status")).to_have_text("Текст постера обновлён")
    expect(editor).to_be_hidden()
    expect(edit).to_be_focused()
    image = figure.locator("img.poster-image")
    expect(image).not_to_have_attribute("src", old_src)
    expect(image).to_have_attribute(
        "alt",
        "Постер «Вечер камерной музыки». 14 декабря, 18:00. "
        "Малая сцена. Вход свободный. Билеты на сайте",
    )
    text = task_detail(page)["poster"]["text"]
    assert {key: text[key] for key in ("title", "lines", "call_to_action")} == {
        "title": "Вечер камерной музыки",
        "lines": ["14 декабря, 18:00", VENUE, "Вход свободный"],
        "call_to_action": "Билеты на сайте",
    }
    assert text["font"] == "noto-serif"  # the brief's choice survives the edit
    figure.scroll_into_view_if_needed()
    shoot("poster-07-after-edit-1280x800")

    # The download is the new poster under the new title, not a cached copy of the old one.
    menu_button.click()
    after = download(page, figure, "PNG")
    assert after.suggested_filename == "afisha-вечер-камерной-музыки.png"
    data = after.path().read_bytes()
    assert hashlib.sha256(data).digest() != before
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == (1080, 1920)
