"""A choice question's options are edited in the admin as lines of text, not as JSON."""

import re
from html import unescape

import pytest
from django.forms import CheckboxInput

from contentum.questionnaire.models import Question, QuestionKind, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.objects.get(is_active=True)  # the default scenario, as installed


def change_url(scenario: Scenario) -> str:
    return f"/admin/questionnaire/scenario/{scenario.pk}/change/"


def as_post(form) -> dict[str, str]:
    """What a browser sends for `form` left as rendered."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, CheckboxInput):
            if value:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = "" if value is None else str(value)
    return data


def page_as_post(response) -> dict[str, str]:
    """The whole change page (the scenario and every question row) as the browser posts it."""
    data = as_post(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(as_post(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(as_post(form))
    return data


def row_prefix(response, key: str) -> str:
    (formset,) = (inline.formset for inline in response.context["inline_admin_formsets"])
    (form,) = (form for form in formset.forms if form.instance.key == key)
    return form.prefix


def options_textarea(html: str, prefix: str) -> str:
    match = re.search(rf'(?s)<textarea name="{prefix}-options"[^>]*>(.*?)</textarea>', html)
    assert match, f"no options textarea for {prefix}"
    return unescape(match.group(1)).strip("\r\n")


def test_the_options_show_one_per_line(admin_browser, scenario):
    question = scenario.questions.get(key="event_genre")
    assert question.kind == QuestionKind.CHOICE and len(question.options) > 1

    response = admin_browser.get(change_url(scenario))

    assert response.status_code == 200
    html = response.content.decode()
    shown = options_textarea(html, row_prefix(response, "event_genre"))
    assert shown.splitlines() == question.options
    assert "[" not in shown and '"' not in shown
    assert "По одному варианту в строке" in html
    # A text question has no options: an empty box, not "[]".
    assert options_textarea(html, row_prefix(response, "idea")) == ""


def test_edited_lines_are_stored_as_a_trimmed_list(admin_browser, scenario):
    response = admin_browser.get(change_url(scenario))
    data = page_as_post(response)
    prefix = row_prefix(response, "event_genre")
    data[f"{prefix}-options"] = "Афиша\n\nСторис  \nБаннер"
    version = scenario.version

    response = admin_browser.post(change_url(scenario), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert scenario.questions.get(key="event_genre").options == ["Афиша", "Сторис", "Баннер"]
    assert scenario.questions.get(key="visual_style").options == [
        "Фотореализм",
        "Акварель",
        "Минимализм",
        "3D-рендер",
        "Винтаж",
        "Киберпанк",
    ]
    scenario.refresh_from_db()
    assert scenario.version == version + 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("Афиша\nСторис\nафиша ", "Вариант «афиша» повторяется."),
        ("Афиша\n" + "я" * 101, "длиннее 100 символов (101)"),
        ("\n".join(f"Вариант {n}" for n in range(21)), "Вариантов больше 20 (21)."),
    ],
    ids=["duplicate", "too-long", "too-many"],
)
def test_refused_options_give_a_form_error_and_change_nothing(
    admin_browser, scenario, options, message
):
    before = list(Question.objects.order_by("scenario", "position").values())
    response = admin_browser.get(change_url(scenario))
    data = page_as_post(response)
    prefix = row_prefix(response, "event_genre")
    data[f"{prefix}-options"] = options

    response = admin_browser.post(change_url(scenario), data)

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    # The row shows what was typed, to be fixed, and no misleading list-wide error.
    assert options_textarea(response.content.decode(), prefix) == options
    assert "должны быть варианты ответа" not in html
    assert list(Question.objects.order_by("scenario", "position").values()) == before
    assert Scenario.objects.get(pk=scenario.pk).version == scenario.version


def test_a_choice_question_still_needs_options(admin_browser, scenario):
    response = admin_browser.get(change_url(scenario))
    data = page_as_post(response)
    data[f"{row_prefix(response, 'event_genre')}-options"] = "\n  \n"

    response = admin_browser.post(change_url(scenario), data)

    assert response.status_code == 200
    assert "У вопроса с выбором должны быть варианты ответа." in response.content.decode()
    assert scenario.questions.get(key="event_genre").options != []
