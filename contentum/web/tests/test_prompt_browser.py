"""The prompt under a chat's result, in a real browser (issue 19, item 7): a folded «Промпт»
that opens from the keyboard and shows the task's assembled prompt, whose Russian is clean
(the composition answer once, in lower case after its label).

Screenshots go to test-artifacts/browser/ (prompt-*.png), at 1280×800 and at 390×844.
"""

import re

import pytest

from contentum.web.tests.steps import (
    SINGLE,
    SQUARE,
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
FOCUS = "Силуэт актрисы на фоне озера"


def chat_to_poster(page) -> None:
    """A new chat answered as the default scenario's example, with a capitalised focus."""
    new_chat(page)
    type_answer(page, "Афиша спектакля Чайка")
    type_answer(page, "Чайка")
    skip(page)  # date
    skip(page)  # venue
    quick_reply(page, "Спектакль")
    quick_reply(page, "Акварель")
    type_answer(page, FOCUS)
    quick_reply(page, "Пастельные тона")
    type_answer(page, "озеро, чайка, закат")
    quick_reply(page, SINGLE)
    skip(page)  # platform
    quick_reply(page, SQUARE)
    wait_for_image(page)


def task_detail(page) -> dict:
    """The chat's task as the API gives it to its owner."""
    token = page.evaluate("localStorage.getItem('contentum.access')")
    headers = {"Authorization": f"Bearer {token}"}
    chat_id = page.url.rstrip("/").rsplit("/", 1)[1]
    tasks = page.request.get(f"/api/generation-tasks/?chat={chat_id}", headers=headers).json()
    task_id = tasks["results"][0]["id"]
    return page.request.get(f"/api/generation-tasks/{task_id}/", headers=headers).json()


def test_the_prompt_is_folded_under_the_result_and_opens_from_the_keyboard(page, shoot):
    register(page, new_email(), name="Ольга Книппер")
    page.set_viewport_size(DESKTOP)
    chat_to_poster(page)

    details = page.locator(".result-holder .prompt-details").last
    summary = details.locator("summary")
    text = details.locator(".prompt-text")
    expect(summary).to_have_text("Промпт")
    expect(details).to_have_js_property("open", False)
    expect(text).to_be_hidden()

    # Reached by Tab like any control; Enter opens it, Space closes it again.
    assert summary.evaluate("element => element.tabIndex") >= 0
    summary.focus()
    page.keyboard.press("Enter")
    expect(details).to_have_js_property("open", True)
    expect(text).to_be_visible()
    prompt = task_detail(page)["prompt_text"]
    expect(text).to_have_text(prompt)
    details.scroll_into_view_if_needed()
    shoot("prompt-01-open-1280x800")

    # The Russian is clean: the composition answer once, lower-cased after its label.
    assert prompt.casefold().count(FOCUS.casefold()) == 1, prompt
    assert "В центре композиции: силуэт актрисы на фоне озера." in prompt
    assert "в центре внимания" not in prompt
    assert "Событие: спектакль «Чайка»" in prompt
    assert "Стиль: акварель" in prompt
    assert not re.search(r"[.,;:]\s*[.,;:]|,\s*,", prompt), prompt

    # Small: smaller type than the messages, and no wider than the chat on a phone.
    sizes = text.evaluate(
        """element => [parseFloat(getComputedStyle(element).fontSize),
            parseFloat(getComputedStyle(document.querySelector('.message-text')).fontSize)]"""
    )
    assert sizes[0] < sizes[1], sizes
    page.set_viewport_size(PHONE)
    details.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot("prompt-02-open-390x844")

    summary.focus()
    page.keyboard.press("Space")
    expect(details).to_have_js_property("open", False)
    expect(text).to_be_hidden()
