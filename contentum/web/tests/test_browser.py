"""The whole journey in a real browser: register, log in, chat, watch the generation, see
and download the image; a failed generation retried; a second chat refused.

Screenshots of the key screens go to test-artifacts/browser/. With
CONTENTUM_DOCS_SCREENSHOT=1 the chat with its image is also saved as
docs/screenshot-chat.png for the README.
"""

import os
import re

import pytest
from PIL import Image

from contentum.settings.environment import BASE_DIR
from contentum.web.tests.live_stack import ADMIN_EMAIL, ADMIN_PASSWORD
from contentum.web.tests.steps import (
    GENERATION_TIMEOUT_MS,
    PASSWORD,
    SINGLE,
    STEPS,
    STORY,
    answer_all_quickly,
    answered,
    current_step,
    expect,
    fill_registration,
    log_in,
    messages,
    new_chat,
    new_email,
    quick_reply,
    register,
    skip,
    type_answer,
    wait_for_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What an employee reads: what happened, in plain Russian; the provider's own words stay
# in the message's payload (`reason`).
FAILURE = "сервис изображений не смог его нарисовать"


def test_whole_journey_from_registration_to_a_downloaded_image(page, shoot, live_stack):
    email = new_email()
    page.goto("/")
    expect(page.get_by_role("heading", name="Вход")).to_be_visible()
    shoot("01-login-and-registration")

    # Registration: a field error is shown under its field, in the server's words.
    fill_registration(page, email, "Анна Петрова", confirm=PASSWORD + "!")
    expect(page.locator("#register-password-confirm-error")).to_have_text("Пароли не совпадают.")
    expect(page.get_by_label("Пароль ещё раз")).to_have_attribute("aria-invalid", "true")
    shoot("02-registration-field-error")
    fill_registration(page, email, "Анна Петрова")
    expect(page.locator("#user-name")).to_have_text("Анна Петрова")
    expect(page.locator("#admin-link")).to_be_hidden()

    # Logging out blacklists the refresh token; logging in again works.
    refresh = page.evaluate("localStorage.getItem('contentum.refresh')")
    page.get_by_role("button", name="Выйти").click()
    expect(page.locator("#auth-notice")).to_have_text("Вы вышли из системы")
    assert page.evaluate("localStorage.getItem('contentum.refresh')") is None
    refused = page.request.post("/api/auth/refresh/", data={"refresh": refresh})
    assert refused.status == 401
    log_in(page, email, "not-the-password")
    expect(page.locator("#login-form .form-error")).to_have_text("Неверный email или пароль.")
    log_in(page, email, PASSWORD)
    expect(page.locator("#user-name")).to_have_text("Анна Петрова")

    # A new chat asks the first question; the answer box has the focus.
    new_chat(page)
    answer_box = page.get_by_label("Ваш ответ")
    expect(answer_box).to_be_focused()
    shoot("03-first-question")

    # A rejected answer: the reason under the box, the question stands.
    answer_box.fill("a")
    answer_box.press("Enter")
    expect(page.locator("#answer-error")).to_contain_text("не меньше 3 символов")
    expect(answer_box).to_be_focused()
    current_step(page, 1)

    type_answer(page, "Афиша джазового фестиваля на берегу моря")
    expect(answer_box).to_be_focused()
    type_answer(page, "Джаз у моря")
    current_step(page, 3)

    # "Назад" asks the previous question again; the withdrawn answer stays, struck out.
    before = messages(page).count()
    page.get_by_role("button", name="Назад").click()
    expect(messages(page)).to_have_count(before + 1)
    expect(messages(page).last).to_contain_text("Вернёмся к предыдущему вопросу")
    expect(page.locator("#messages .withdrawn")).to_have_count(1)
    current_step(page, 2)
    type_answer(page, "Jazz Sea Fest 2026")
    type_answer(page, "12 июля, 19:00")
    skip(page)  # venue: optional, left off the poster

    # Quick replies are buttons: one chosen from the keyboard, others clicked.
    before = messages(page).count()
    page.locator("#quick-replies").get_by_role("button", name="Фестиваль").focus()
    page.keyboard.press("Enter")
    answered(page, before)
    expect(answer_box).to_be_focused()
    skip(page)  # visual style: optional, its default is used
    type_answer(page, "саксофонист на закате")
    quick_reply(page, "Тёплые тона")
    type_answer(page, "волны, маяк, огни набережной")
    quick_reply(page, SINGLE)  # one poster: the variants have tests of their own
    quick_reply(page, "Telegram")
    current_step(page, STEPS)
    shoot("04-quick-replies")
    quick_reply(page, STORY)

    # The answer box gives way to a progress line that updates by itself, then the image.
    expect(page.locator("#answer-form")).to_be_hidden()
    progress = page.get_by_role("status").filter(has_text="Генерация изображения")
    expect(progress).to_be_visible()
    shoot("05-generation-progress")
    wait_for_image(page)
    expect(progress).to_be_hidden()
    expect(page.locator("#chat-status")).to_have_text("Изображение готово.")
    result = page.locator(".message[data-kind=generation_succeeded]")
    expect(result).to_contain_text("Генерация завершена")
    page.get_by_role("button", name="Переименовать чат «Чат №1»").click()
    page.get_by_label("Новое название чата").fill("Афиша Jazz Sea Fest")
    page.get_by_label("Новое название чата").press("Enter")
    expect(page.locator("#chat-title")).to_have_text("Афиша Jazz Sea Fest")
    expect(page.get_by_role("link", name=re.compile("Афиша Jazz Sea Fest"))).to_be_focused()
    page.evaluate("document.activeElement.blur()")  # no focus ring in the README picture
    result.scroll_into_view_if_needed()
    chat_shot = shoot("06-chat-with-image")
    if os.environ.get("CONTENTUM_DOCS_SCREENSHOT") == "1":
        (BASE_DIR / "docs").mkdir(exist_ok=True)
        (BASE_DIR / "docs" / "screenshot-chat.png").write_bytes(chat_shot.read_bytes())

    # The full-size view, closed with Escape: focus returns to the button that opened it.
    opener = result.get_by_role("button", name="Открыть постер в полном размере")
    opener.click()
    viewer = page.get_by_role("dialog", name="Изображение")
    expect(viewer).to_be_visible()
    page.wait_for_function("() => document.getElementById('viewer-image').naturalWidth === 1080")
    shoot("07-full-size-view")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(opener).to_be_focused()

    # The download is the PNG poster of the format's exact size.
    result.get_by_role("button", name="Скачать", exact=True).click()
    with page.expect_download() as download_info:
        result.get_by_role("group", name="Скачать постер").get_by_role("button", name="PNG").click()
    download = download_info.value
    assert download.suggested_filename == "afisha-jazz-sea-fest-2026.png"
    with Image.open(download.path()) as image:
        assert (image.format, image.size) == ("PNG", (1080, 1920))

    # An access token the server refuses is renewed once, and the request goes through.
    page.evaluate("localStorage.setItem('contentum.access', 'expired-or-forged')")
    page.get_by_role("link", name="Галерея").click()
    card = page.locator(".gallery-item")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(re.compile(r"\d+×\d+ · "))
    expect(card.locator("img")).to_have_attribute("src", re.compile("^blob:"))
    assert page.evaluate("localStorage.getItem('contentum.access')") != "expired-or-forged"
    shoot("08-gallery")

    # A phone-sized screen: the chat stacks under the list and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    card.get_by_role("link", name="Открыть чат").click()
    wait_for_image(page)
    page.locator(".poster-result").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot("09-phone-chat")


def test_failed_generation_shows_the_reason_and_a_retry_that_succeeds(page, shoot, live_stack):
    live_stack.start_worker(SIMULATION_FAILURE_MODE="error")
    try:
        register(page, new_email(), name="Игорь Смирнов")
        new_chat(page)
        answer_all_quickly(page)
        failure = page.locator(".message[data-kind=generation_failed]")
        expect(failure).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    finally:
        live_stack.start_worker()  # every later attempt succeeds
    expect(failure).to_contain_text("Не удалось сгенерировать изображение")
    expect(failure).to_contain_text(FAILURE)
    expect(failure).not_to_contain_text("POST")
    expect(failure).not_to_contain_text("http")
    expect(page.locator("#chat-status")).to_have_text("Генерация не удалась.")
    failure.scroll_into_view_if_needed()
    shoot("10-generation-failed")

    failure.get_by_role("button", name="Повторить").click()
    expect(page.get_by_role("status").filter(has_text="Генерация изображения")).to_be_visible()
    wait_for_image(page)
    expect(failure.get_by_role("button", name="Повторить")).to_have_count(0)
    expect(page.locator("#chat-status")).to_have_text("Изображение готово.")
    page.locator(".poster-result").last.scroll_into_view_if_needed()
    shoot("11-retry-succeeded")


def test_second_chat_is_refused_with_the_reason_and_an_offer_to_open_the_first(page, shoot):
    register(page, new_email(), name="Олег Иванов")
    new_chat(page)
    type_answer(page, "Баннер для конференции разработчиков")
    first_chat = page.url
    page.get_by_role("link", name="Contentum").click()
    expect(page.locator("#chat-empty")).to_be_visible()

    page.get_by_role("button", name="Новый чат").click()
    notice = page.locator("#new-chat-notice")
    expect(notice).to_contain_text("У вас уже есть незавершённый чат")
    offer = notice.get_by_role("button", name="Открыть незавершённый чат")
    expect(offer).to_be_focused()
    shoot("12-second-chat-refused")
    offer.click()
    expect(page).to_have_url(first_chat)
    current_step(page, 2)
    expect(notice).to_be_hidden()

    # Rename and delete from the list; with the chat gone a new one may start.
    page.get_by_role("button", name=re.compile("Переименовать чат")).click()
    title = page.get_by_label("Новое название чата")
    expect(title).to_be_focused()
    title.fill("Баннер DevConf")
    title.press("Enter")
    expect(page.locator("#chat-list .chat-title")).to_have_text(["Баннер DevConf"])
    expect(page.locator("#chat-title")).to_have_text("Баннер DevConf")
    page.get_by_role("button", name="Удалить чат «Баннер DevConf»").click()
    page.get_by_role("button", name="Да, удалить").click()
    expect(page.locator("#chat-list .chat-item")).to_have_count(0)
    expect(page.locator("#chat-empty")).to_be_visible()
    new_chat(page)


def test_admins_see_a_link_to_the_admin_site_and_only_their_own_chats(page):
    register(page, new_email(), name="Пётр Сидоров")
    new_chat(page)
    page.get_by_role("button", name="Выйти").click()

    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    link = page.get_by_role("link", name="Панель администратора")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", "/admin/")
    expect(page.locator("#chat-list-empty")).to_be_visible()
    page.get_by_role("link", name="Галерея").click()
    expect(page.locator("#gallery-empty")).to_be_visible()


def test_a_session_that_cannot_be_renewed_returns_to_the_login_form(page):
    register(page, new_email(), name="Мария Кузнецова")
    # The app's start-up requests (chats, the unfinished chat to resume) must be done: one
    # still to be sent would carry the forged token, fail, and clear the session before the
    # reload, which would then find no session to call expired.
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "localStorage.setItem('contentum.access', 'forged');"
        "localStorage.setItem('contentum.refresh', 'forged')"
    )
    page.reload()
    expect(page.locator("#auth-notice")).to_have_text("Сессия истекла: войдите снова.")
    expect(page.locator("#login-form").get_by_label("Email")).to_be_focused()
