"""Polish in a real browser: a question is said once (its bubble, its buttons, one hint),
opening the client resumes the unfinished chat, and on a phone the list of chats is a
drawer that leaves the first screen to the conversation.

Screenshots go to test-artifacts/browser/ (polish-*.png), at 1280×800 and at 390×844.
"""

import re
import time

import pytest

from contentum.chats.tests.factories import DEFAULT_ANSWERS
from contentum.web.tests.steps import (
    GENERATION_TIMEOUT_MS,
    current_step,
    expect,
    new_chat,
    new_email,
    register,
    skip,
    type_answer,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHOOSE = "Выберите вариант или напишите свой"


def api_headers(page) -> dict:
    token = page.evaluate("localStorage.getItem('contentum.access')")
    return {"Authorization": f"Bearer {token}"}


def last_question(page):
    return page.locator("#messages > li[data-kind=question]").last


def quick_replies(page) -> list[str]:
    return page.locator("#quick-replies .quick-reply").all_inner_texts()


def chat_id(page) -> str:
    return re.search(r"/chats/([0-9a-f-]{36})/$", page.url)[1]


def test_a_question_is_said_once_its_bubble_its_buttons_and_one_hint(page, shoot):
    page.set_viewport_size(DESKTOP)
    register(page, new_email(), name="Вера Орлова")
    new_chat(page)
    type_answer(page, "Афиша осеннего фестиваля уличной еды")
    type_answer(page, "Фуд-фест")
    skip(page)  # date
    skip(page)  # venue
    current_step(page, 5)

    # The genre: optional, with quick replies, its text already says how to answer.
    bubble = last_question(page).locator(".message-text")
    options = quick_replies(page)
    assert "Фестиваль" in options
    expect(bubble).to_have_text("К какому жанру или типу относится событие? " + CHOOSE + ".")
    expect(bubble).not_to_contain_text("Варианты:")
    expect(bubble).not_to_contain_text("необязательный")
    for option in options:
        expect(bubble).not_to_contain_text(option)
    expect(page.locator("#answer-form .hint")).to_have_count(1)
    expect(page.locator("#answer-hint")).not_to_contain_text(CHOOSE)  # the bubble says it
    expect(page.locator("#answer-hint")).not_to_contain_text("пропуст")
    expect(page.get_by_role("button", name="Пропустить вопрос")).to_be_visible()

    # API clients without buttons still read the options in the message's content.
    chat = page.request.get(f"/api/chats/{chat_id(page)}/", headers=api_headers(page)).json()
    asked = [message for message in chat["messages"] if message["kind"] == "question"][-1]
    assert f"Варианты: {', '.join(options)}." in asked["content"]
    assert asked["payload"]["question_text"] in asked["content"]

    # The style: its default is said once, in the hint, as the bubble does not say it.
    skip(page)
    current_step(page, 6)
    expect(bubble).to_have_text("В каком визуальном стиле сделать изображение?")
    expect(page.locator("#answer-form .hint")).to_have_count(1)
    expect(page.locator("#answer-hint")).to_contain_text(
        f"{CHOOSE}. Без ответа будет «Фотореализм»."
    )
    expect(bubble).not_to_contain_text("Фотореализм")
    page.evaluate("document.activeElement.blur()")
    shoot("polish-01-question-1280x800")

    page.set_viewport_size(PHONE)
    page.locator("#answer-form").scroll_into_view_if_needed()
    expect(last_question(page)).to_be_in_viewport()
    shoot("polish-02-question-390x844")


def test_opening_the_client_resumes_the_unfinished_chat(page, shoot):
    page.set_viewport_size(DESKTOP)
    register(page, new_email(), name="Глеб Зайцев")
    new_chat(page)
    type_answer(page, "Баннер открытия новой кофейни")
    type_answer(page, "Кофейня «Зерно»")
    chat_url = page.url

    # A new visit to "/" (a bookmark, a reload): the chat, at its current question.
    page.goto("/")
    expect(page).to_have_url(chat_url)
    current_step(page, 3)
    expect(page.locator("#chat-empty")).to_be_hidden()
    expect(last_question(page)).to_contain_text("Когда событие?")
    expect(page.get_by_label("Ваш ответ")).to_be_focused()
    page.reload()
    expect(page).to_have_url(chat_url)
    current_step(page, 3)
    page.evaluate("document.activeElement.blur()")
    shoot("polish-03-resumed-1280x800")

    # Inside the client, the brand still leads to the welcome.
    page.get_by_role("link", name="Contentum").click()
    expect(page.locator("#chat-empty")).to_be_visible()


def make_chats(page) -> None:
    """Two chats answered to the end over the API and their posters made, then the
    unfinished one."""
    headers = api_headers(page)
    finished = []
    for title in ("Афиша джаз-вечера", "Баннер распродажи", "Постер выставки"):
        created = page.request.post("/api/chats/", data={"title": title}, headers=headers)
        assert created.status == 201, created.text()
        if title == "Постер выставки":
            break
        chat = created.json()["data"]["id"]
        finished.append(chat)
        for answer in DEFAULT_ANSWERS.values():
            sent = page.request.post(
                "/api/messages/", data={"chat": chat, "content": answer}, headers=headers
            )
            assert sent.status == 201, sent.text()
    # The list then says «готово» for them, as a person coming back later would see it.
    deadline = time.monotonic() + GENERATION_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        statuses = {
            page.request.get(f"/api/chats/{chat}/", headers=headers).json()["status"]
            for chat in finished
        }
        if statuses == {"COMPLETED"}:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the two chats are not completed: {statuses}")


def test_on_a_phone_the_chat_list_is_a_drawer(page, shoot):
    page.set_viewport_size(PHONE)
    register(page, new_email(), name="Лидия Морозова")
    make_chats(page)
    page.goto("/")  # resumes «Постер выставки»
    expect(page.locator("#chat-title")).to_have_text("Постер выставки")
    current_step(page, 1)

    # Closed: the list is out of sight, the button says how many chats there are, and the
    # first screen shows the conversation down to the answer box.
    drawer_button = page.get_by_role("button", name=re.compile("^Мои чаты"))
    expect(drawer_button).to_be_visible()
    expect(drawer_button).to_have_attribute("aria-expanded", "false")
    expect(drawer_button).to_have_attribute("aria-controls", "chat-drawer")
    expect(page.locator("#chat-count")).to_have_text("3")
    expect(page.locator("#chat-list")).to_be_hidden()
    expect(page.get_by_role("button", name="Новый чат")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    pane = page.locator(".conversation").bounding_box()
    assert pane["y"] < PHONE["height"] * 0.25, pane
    expect(page.locator("#chat-title")).to_be_in_viewport()
    expect(last_question(page)).to_be_in_viewport()
    expect(page.get_by_label("Ваш ответ")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("document.activeElement.blur()")
    shoot("polish-04-phone-list-closed-390x844")

    # Open: the three chats, the focus on the open one; Escape closes, back to the button.
    drawer_button.click()
    expect(drawer_button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#chat-list .chat-item")).to_have_count(3)
    expect(page.locator("#chat-list")).to_be_in_viewport()
    current = page.get_by_role("link", name=re.compile("Постер выставки"))
    expect(current).to_be_focused()
    shoot("polish-05-phone-drawer-open-390x844")
    page.keyboard.press("Escape")
    expect(page.locator("#chat-list")).to_be_hidden()
    expect(drawer_button).to_have_attribute("aria-expanded", "false")
    expect(drawer_button).to_be_focused()

    # A tap outside the drawer closes it.
    drawer_button.click()
    expect(page.locator("#chat-list")).to_be_visible()
    page.mouse.click(PHONE["width"] - 15, PHONE["height"] // 2)
    expect(page.locator("#chat-list")).to_be_hidden()
    expect(drawer_button).to_have_attribute("aria-expanded", "false")

    # The close button, and a rename's Escape that cancels the rename, not the drawer.
    drawer_button.click()
    page.get_by_role("button", name="Переименовать чат «Баннер распродажи»").click()
    page.get_by_label("Новое название чата").press("Escape")
    expect(page.get_by_label("Новое название чата")).to_have_count(0)
    expect(page.locator("#chat-list")).to_be_visible()
    page.get_by_role("button", name="Закрыть список чатов").click()
    expect(page.locator("#chat-list")).to_be_hidden()
    expect(drawer_button).to_be_focused()

    # Choosing a chat opens it and closes the drawer.
    drawer_button.click()
    page.get_by_role("link", name=re.compile("Афиша джаз-вечера")).click()
    expect(page.locator("#chat-title")).to_have_text("Афиша джаз-вечера")
    expect(page.locator("#chat-list")).to_be_hidden()
    expect(drawer_button).to_have_attribute("aria-expanded", "false")

    # A wide screen: the list is in place, no drawer button.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("#chat-list .chat-item")).to_have_count(3)
    expect(page.locator("#chat-list")).to_be_visible()
    expect(drawer_button).to_be_hidden()
    page.get_by_role("link", name=re.compile("Постер выставки")).click()
    expect(page.locator("#chat-title")).to_have_text("Постер выставки")
    expect(page.get_by_label("Ваш ответ")).to_be_focused()
    current_step(page, 1)
    page.evaluate("document.activeElement.blur()")
    shoot("polish-06-list-1280x800")
