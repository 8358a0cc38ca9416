"""A brief's variants in a real browser: the grid under the poster fills in as they finish,
one is chosen with the mouse and another from the keyboard (the large poster follows),
«Ещё похожий» adds one more, and a single poster can be varied into two.

The worker's provider takes a few seconds per image here, so the grid is seen filling in
and its polls are seen answered 304. Screenshots go to test-artifacts/browser/
(variants-*.png), at 1280×800 and at 390×844.
"""

import re
import time

import pytest

from contentum.web.tests.steps import (
    GENERATION_TIMEOUT_MS,
    SINGLE,
    STORY,
    answer_all_quickly,
    expect,
    new_chat,
    new_email,
    register,
    wait_for_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LATENCY = "3"  # seconds the simulated provider takes per image


@pytest.fixture
def slow_provider(live_stack):
    live_stack.start_worker(SIMULATION_LATENCY_SECONDS=LATENCY)
    yield
    live_stack.start_worker()


def grid(page):
    return page.get_by_role("group", name="Варианты постера")


def cells(page):
    return grid(page).locator(".variant-cell")


def tile(page, number: int):
    return grid(page).locator(f'.variant-tile[data-number="{number}"]')


def thumbnails(page):
    return grid(page).locator("img.variant-thumb[src^='blob:']")


def poster_image(page):
    return page.locator(".poster-result img.poster-image").last


def chosen_numbers(page) -> list[int]:
    chosen = grid(page).locator(".variant-cell.chosen .variant-tile")
    return chosen.evaluate_all("tiles => tiles.map((tile) => Number(tile.dataset.number))")


def task_detail(page) -> dict:
    token = page.evaluate("localStorage.getItem('contentum.access')")
    headers = {"Authorization": f"Bearer {token}"}
    chat_id = page.url.rstrip("/").rsplit("/", 1)[1]
    tasks = page.request.get(f"/api/generation-tasks/?chat={chat_id}", headers=headers).json()
    brief = next(task for task in tasks["results"] if not task.get("variant_number"))
    return page.request.get(f"/api/generation-tasks/{brief['id']}/", headers=headers).json()


def variant(detail: dict, number: int) -> dict:
    return next(item for item in detail["variants"] if item["number"] == number)


# Whether the large poster shows the same pixels as the image at `url` (fetched with the
# page's token). Pixels, not bytes: the poster's bytes sit behind a blob: URL, which the
# page's CSP keeps fetch() from reading.
SAME_PIXELS = """async (img, url) => {
  const token = localStorage.getItem("contentum.access");
  const answer = await fetch(url, {headers: {Authorization: `Bearer ${token}`}});
  const bitmap = await createImageBitmap(await answer.blob());
  const pixels = (source, width, height) => {
    const context = new OffscreenCanvas(width, height).getContext("2d");
    context.drawImage(source, 0, 0);
    return context.getImageData(0, 0, width, height).data;
  };
  const shown = pixels(img, img.naturalWidth, img.naturalHeight);
  const wanted = pixels(bitmap, bitmap.width, bitmap.height);
  return shown.length === wanted.length && shown.every((value, i) => value === wanted[i]);
}"""


def poster_shows(page, number: int) -> None:
    """The large poster shows variant `number`'s image."""
    url = variant(task_detail(page), number)["image_url"]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        wait_for_image(page)
        if poster_image(page).evaluate(SAME_PIXELS, url):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the large poster is not variant {number}'s image")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def watch_detail_polls(page) -> list[tuple[int, str | None]]:
    """(status, If-None-Match) of every GET of a task's detail from now on."""
    seen: list[tuple[int, str | None]] = []
    detail = re.compile(r"/api/generation-tasks/[0-9a-f-]{36}/$")

    def record(response):
        if response.request.method == "GET" and detail.search(response.url):
            seen.append((response.status, response.request.headers.get("if-none-match")))

    page.on("response", record)
    return seen


# How far each thumbnail's shown picture reaches past its tile, in CSS pixels.
THUMBNAIL_OVERHANG = """images => images.map(image => {
    const frame = image.parentElement.getBoundingClientRect();
    const box = image.getBoundingClientRect();
    const scale = Math.min(box.width / image.naturalWidth, box.height / image.naturalHeight);
    const fits = getComputedStyle(image).objectFit === "contain";
    const [width, height] = fits
        ? [image.naturalWidth * scale, image.naturalHeight * scale] : [box.width, box.height];
    const left = box.left + (box.width - width) / 2, top = box.top + (box.height - height) / 2;
    return Math.max(frame.left - left, left + width - frame.right,
                    frame.top - top, top + height - frame.bottom);
})"""


def test_variants_fill_in_are_chosen_by_mouse_and_keyboard_and_vary(page, shoot, slow_provider):
    register(page, new_email(), name="Нина Соколова")
    page.set_viewport_size(DESKTOP)
    polls = watch_detail_polls(page)
    new_chat(page)
    answer_all_quickly(page, STORY, title="Три варианта", variants="3")

    # While the brief runs, its grid fills in under the progress line: each cell says where
    # its variant is until its thumbnail arrives.
    preview = page.locator("#progress-variants").get_by_role("group", name="Варианты постера")
    expect(preview.locator(".variant-cell")).to_have_count(3)
    expect(preview.locator(".variant-tile").first).to_have_attribute(
        "aria-label", re.compile(r"^Вариант 1 из 3, ")
    )
    expect(page.locator("#progress-text")).to_contain_text("готово вариантов")
    shoot("variants-00-generating-1280x800")
    wait_for_image(page)
    expect(page.locator("#progress-variants")).to_be_hidden()

    # The grid fills to three thumbnails; exactly one variant is chosen, and said to be.
    expect(cells(page)).to_have_count(3)
    expect(thumbnails(page)).to_have_count(3, timeout=GENERATION_TIMEOUT_MS)
    # A 9:16 story is shown whole in its square tile, title and all, not cropped to it.
    for overhang in thumbnails(page).evaluate_all(THUMBNAIL_OVERHANG):
        assert overhang <= 0.5, overhang
    expect(grid(page).locator(".variant-cell.chosen")).to_have_count(1)
    first = chosen_numbers(page)[0]
    assert task_detail(page)["chosen_variant"] == first
    expect(tile(page, first)).to_have_attribute(
        "aria-label", re.compile(rf"^Вариант {first} из 3, оценка \d+, выбран$")
    )
    expect(tile(page, first)).to_have_attribute("tabindex", "0")  # the one Tab stop
    expect(grid(page).get_by_role("button", name=f"Выбрать вариант {first}")).to_be_hidden()
    poster_shows(page, first)
    page.evaluate("document.activeElement.blur()")
    grid(page).scroll_into_view_if_needed()
    shoot("variants-01-grid-1280x800")

    # The mouse: «Выбрать» on another variant; the mark and the large poster follow.
    second = next(number for number in (1, 2, 3) if number != first)
    old_src = poster_image(page).get_attribute("src")
    grid(page).get_by_role("button", name=f"Выбрать вариант {second}").click()
    expect(grid(page).locator(".variant-cell.chosen")).to_have_count(1)
    expect(tile(page, second)).to_have_attribute("aria-label", re.compile(r", выбран$"))
    expect(tile(page, first)).not_to_have_attribute("aria-label", re.compile(r"выбран"))
    expect(poster_image(page)).not_to_have_attribute("src", old_src)
    poster_shows(page, second)
    detail = task_detail(page)
    assert detail["chosen_variant"] == second

    # The keyboard: the chosen tile is the Tab stop; arrows move, Enter chooses.
    tile(page, second).focus()
    key = "ArrowRight" if second < 3 else "ArrowLeft"
    third = second + 1 if key == "ArrowRight" else second - 1
    page.keyboard.press(key)
    expect(tile(page, third)).to_be_focused()
    expect(tile(page, third)).to_have_attribute("tabindex", "0")
    expect(tile(page, second)).to_have_attribute("tabindex", "-1")
    old_src = poster_image(page).get_attribute("src")
    page.keyboard.press("Enter")
    expect(tile(page, third)).to_have_attribute(
        "aria-label", re.compile(rf"^Вариант {third} из 3, оценка \d+, выбран$")
    )
    expect(tile(page, third)).to_be_focused()
    expect(poster_image(page)).not_to_have_attribute("src", old_src)
    poster_shows(page, third)
    # Home and End reach the ends; Tab leaves the grid for the cell's buttons.
    page.keyboard.press("End")
    expect(tile(page, 3)).to_be_focused()
    page.keyboard.press("Home")
    expect(tile(page, 1)).to_be_focused()
    tile(page, third).focus()
    grid(page).scroll_into_view_if_needed()
    shoot("variants-02-keyboard-focus-1280x800")
    page.keyboard.press("Tab")
    focused_name = page.evaluate("document.activeElement.textContent")
    assert focused_name in {"Выбрать", "чуть иначе"}, focused_name

    # «Ещё похожий»: a fourth variant joins the grid queued, then fills in.
    vary = page.get_by_role("group", name=f"Ещё похожий на вариант {third}:")
    vary.get_by_role("button", name="чуть иначе").click()
    expect(cells(page)).to_have_count(4)
    fourth = tile(page, 4)
    expect(fourth).to_have_attribute("aria-label", re.compile(r"^Вариант 4 из 4, "))
    expect(fourth).to_have_attribute("aria-disabled", "true")
    expect(page.locator(".variant-status")).to_contain_text("Вариант 4 в очереди")
    page.evaluate("document.activeElement.blur()")
    grid(page).scroll_into_view_if_needed()
    shoot("variants-03-vary-queued-1280x800")
    expect(thumbnails(page)).to_have_count(4, timeout=GENERATION_TIMEOUT_MS)
    expect(fourth).to_have_attribute("aria-disabled", "false")
    expect(fourth).to_have_attribute("aria-label", re.compile(r"^Вариант 4 из 4, оценка \d+$"))
    assert variant(task_detail(page), 4)["varied_from"] == third
    page.evaluate("document.activeElement.blur()")
    shoot("variants-04-four-1280x800")

    # Space chooses too: the new variant becomes the large poster.
    fourth.focus()
    page.keyboard.press("Space")
    expect(fourth).to_have_attribute("aria-label", re.compile(r"^Вариант 4 из 4, .*выбран$"))
    poster_shows(page, 4)
    assert task_detail(page)["chosen_variant"] == 4

    # Polls sent the ETag they had, and a poll that found nothing new was a bodiless 304.
    assert any(tag for _, tag in polls), polls
    assert any(status == 304 for status, _ in polls), polls

    # A phone: two columns, nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    grid(page).scroll_into_view_if_needed()
    boxes = [cells(page).nth(index).bounding_box() for index in range(4)]
    assert boxes[0]["x"] == boxes[2]["x"] and boxes[1]["x"] == boxes[3]["x"]
    assert boxes[0]["y"] < boxes[2]["y"]
    no_sideways_scroll(page)
    shoot("variants-05-grid-390x844")


def test_a_single_poster_has_no_grid_but_can_be_varied_into_two(page, shoot, slow_provider):
    register(page, new_email(), name="Павел Белов")
    page.set_viewport_size(PHONE)
    new_chat(page)
    answer_all_quickly(page, title="Один постер", variants=SINGLE)
    wait_for_image(page)
    result = page.locator(".message[data-kind=generation_succeeded]")
    expect(grid(page)).to_be_hidden()
    vary = result.get_by_role("group", name="Ещё похожий:")
    expect(vary).to_be_visible()
    vary.scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shoot("variants-06-single-390x844")

    vary.get_by_role("button", name="по-другому").click()
    expect(grid(page)).to_be_visible()
    expect(cells(page)).to_have_count(2)
    expect(tile(page, 1)).to_have_attribute("aria-label", re.compile(r"^Вариант 1 из 2, .*выбран$"))
    expect(tile(page, 2)).to_have_attribute("aria-disabled", "true")
    grid(page).scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shoot("variants-07-single-varied-390x844")
    expect(thumbnails(page)).to_have_count(2, timeout=GENERATION_TIMEOUT_MS)
    detail = task_detail(page)
    assert detail["variant_count"] == 2
    assert variant(detail, 2)["varied_from"] == 1
