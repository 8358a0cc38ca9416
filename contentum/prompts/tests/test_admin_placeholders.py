"""The prompt template page lists the placeholders a template may use, and what each holds."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.prompts import templating
from contentum.prompts.models import PromptTemplate
from contentum.questionnaire.models import Question, Scenario

pytestmark = pytest.mark.django_db


def placeholder_block(html: str) -> dict[str, str]:
    """The «Доступные подстановки» row of the page: placeholder → its description."""
    match = re.search(
        r'(?s)<label>Доступные подстановки:</label>\s*<div class="readonly">(.*?)</div>', html
    )
    assert match, "no «Доступные подстановки» block"
    items = re.findall(r"(?s)<li><code>\{(\w+)\}</code> — (.*?)</li>", match.group(1))
    return {name: unescape(description) for name, description in items}


def test_add_and_change_pages_list_every_allowed_placeholder(admin_browser):
    scenario = Scenario.objects.get(is_active=True)
    questions = {q.key: q.text for q in scenario.questions.all()}
    assert questions
    allowed = templating.allowed_placeholders(list(questions))
    template = PromptTemplate.objects.get(is_active=True)

    for url in (
        "/admin/prompts/prompttemplate/add/",
        f"/admin/prompts/prompttemplate/{template.pk}/change/",
    ):
        response = admin_browser.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        listed = placeholder_block(html)
        assert list(listed) == allowed, url
        for key, text in questions.items():
            assert listed[key] == text, (url, key)
        for name, description in templating.DERIVED_PLACEHOLDERS.items():
            if name not in questions:
                assert listed[name] == description, (url, name)
        assert "Подстановки пишутся в фигурных скобках: {event_name}" in html, url


def test_only_the_active_scenario_is_described_and_text_is_escaped(admin_browser):
    Scenario.objects.filter(is_active=True).update(is_active=False)
    other = Scenario.objects.create(name="Другой", is_active=False)
    Question.objects.create(scenario=other, position=1, key="hidden", text="Не показывать")
    active = Scenario.objects.create(name="Короткий", is_active=True)
    Question.objects.create(scenario=active, position=1, key="topic", text="О чём <b>пост</b>?")

    html = admin_browser.get("/admin/prompts/prompttemplate/add/").content.decode()

    listed = placeholder_block(html)
    assert listed["topic"] == "О чём <b>пост</b>?"
    assert "О чём &lt;b&gt;пост&lt;/b&gt;?" in html
    assert "hidden" not in listed
    assert list(listed) == ["topic", *templating.DERIVED_PLACEHOLDERS]


def change_page_queries(admin_browser, template: PromptTemplate) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = admin_browser.get(f"/admin/prompts/prompttemplate/{template.pk}/change/")
    assert response.status_code == 200
    return len(queries)


def test_the_change_page_queries_do_not_grow_with_the_questions(admin_browser):
    template = PromptTemplate.objects.get(is_active=True)
    scenario = Scenario.objects.get(is_active=True)
    first = change_page_queries(admin_browser, template)
    position = scenario.questions.count()
    Question.objects.bulk_create(
        Question(scenario=scenario, position=position + n, key=f"extra_{n}", text=f"Вопрос {n}")
        for n in range(1, 16)
    )

    assert change_page_queries(admin_browser, template) == first
    assert "extra_15" in placeholder_block(
        admin_browser.get(f"/admin/prompts/prompttemplate/{template.pk}/change/").content.decode()
    )
