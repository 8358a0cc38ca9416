"""Steps the browser tests take as a person would: register, log in, answer a chat's
questions, wait for its poster."""

import re
import uuid

PASSWORD = "Sea-breeze-2026"
GENERATION_TIMEOUT_MS = 45_000


def expect(locator):
    # Imported here: without playwright this module must still load, to be skipped.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def fill_registration(page, email: str, name: str, confirm: str = PASSWORD) -> None:
    form = page.locator("#register-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Имя и фамилия").fill(name)
    form.get_by_label("Пароль", exact=True).fill(PASSWORD)
    form.get_by_label("Пароль ещё раз").fill(confirm)
    form.get_by_role("button", name="Зарегистрироваться").click()


def register(page, email: str, name: str) -> None:
    page.goto("/")
    fill_registration(page, email, name)
    expect(page.locator("#user-name")).to_have_text(name)


def log_in(page, email: str, password: str) -> None:
    form = page.locator("#login-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Пароль").fill(password)
    form.get_by_role("button", name="Войти").click()


def messages(page):
    return page.locator("#messages > li")


# The default scenario: idea, event, date, venue, genre, style, focus, palette,
# associations, variant count, platform, format.
STEPS = 12
SINGLE = "1"  # the variant count that gives one image, as before variants


def current_step(page, step: int) -> None:
    expect(page.locator("#answer-hint")).to_contain_text(f"Вопрос {step} из {STEPS}.")


def new_chat(page) -> None:
    page.get_by_role("button", name="Новый чат").click()
    current_step(page, 1)


def answered(page, before: int) -> None:
    """The answer and the system's reply (next question or generation start) are shown."""
    expect(messages(page)).to_have_count(before + 2)


def type_answer(page, text: str) -> None:
    before = messages(page).count()
    page.locator("#answer-input").fill(text)
    page.locator("#answer-input").press("Enter")
    answered(page, before)


def quick_reply(page, option: str) -> None:
    before = messages(page).count()
    page.locator("#quick-replies").get_by_role("button", name=option, exact=True).click()
    answered(page, before)


def skip(page) -> None:
    before = messages(page).count()
    page.get_by_role("button", name="Пропустить вопрос").click()
    answered(page, before)


SQUARE = "Квадрат 1:1 (VK, Telegram)"
STORY = "Истории / клипы 9:16"


def answer_all_quickly(
    page, poster_format: str = SQUARE, *, title="Кофейный август", variants: str | None = SINGLE
) -> None:
    """Every question answered or skipped. `variants`: the variant count's quick reply,
    or None to skip it (the server's default)."""
    type_answer(page, "Постер летней распродажи кофе")
    type_answer(page, title)
    for _ in range(4):  # date, venue, genre, style
        skip(page)
    type_answer(page, "чашка капучино")
    for _ in range(2):  # palette, associations
        skip(page)
    if variants is None:
        skip(page)
    else:
        quick_reply(page, variants)
    skip(page)  # platform
    quick_reply(page, poster_format)


def wait_for_image(page, selector: str = ".poster-result img.poster-image") -> None:
    image = page.locator(selector).last
    expect(image).to_have_attribute("src", re.compile("^blob:"), timeout=GENERATION_TIMEOUT_MS)
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
