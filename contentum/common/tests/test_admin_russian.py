"""Every Django admin page, rendered: titles and counts in grammatical Russian, no English
labels left, our own header.

The titles are spelled out here, not computed from the admins' nouns, so a wrong form
in an admin fails the test.
"""

import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts.tests.factories import UserFactory
from contentum.audit.tests.factories import AuditLogFactory
from contentum.chats.tests.factories import make_chat
from contentum.common.admin import plural_form
from contentum.design.tests.factories import BrandKitFactory, FormatFactory
from contentum.generation.tests.factories import FinishedTaskFactory, GenerationAttemptFactory
from contentum.prompts.models import PromptHistory
from contentum.prompts.tests.factories import PromptParametersFactory, make_template

# model → the change list's title. Read-only lists say «для просмотра».
CHANGELIST_TITLES = {
    "accounts.user": "Выберите пользователя для изменения",
    "audit.auditlog": "Выберите запись аудита для просмотра",
    "chats.chat": "Выберите чат для просмотра",
    "chats.message": "Выберите сообщение для просмотра",
    "design.brandkit": "Выберите фирменный стиль для изменения",
    "design.format": "Выберите формат для изменения",
    "generation.generationtask": "Выберите задачу генерации для просмотра",
    "prompts.prompthistory": "Выберите собранный промпт для просмотра",
    "prompts.promptparameters": "Выберите набор параметров для просмотра",
    "prompts.prompttemplate": "Выберите шаблон промпта для изменения",
    "questionnaire.scenario": "Выберите сценарий для изменения",
    "token_blacklist.blacklistedtoken": "Выберите отозванный токен для просмотра",
    "token_blacklist.outstandingtoken": "Выберите выданный токен для просмотра",
}
# Pages of their own behind a proxy model: a report, not a list of rows.
REPORT_PAGES = {
    "usage.usagereport": "Отчёт об использовании",
    "usage.providerhealthreport": "Состояние провайдеров",
}
ADD_TITLES = {
    "accounts.user": "Добавить пользователя",
    "design.brandkit": "Добавить фирменный стиль",
    "design.format": "Добавить формат",
    "prompts.prompttemplate": "Добавить шаблон промпта",
    "questionnaire.scenario": "Добавить сценарий",
}
# Latin words a Russian admin may show: names, formats and field codes.
ALLOWED_LATIN = {
    "contentum", "email", "jti", "id", "json", "url", "csv", "png", "jpeg", "webp",
    "svg", "hex", "rgb", "api", "jwt", "vk", "kandinsky", "gigachat", "openai", "seed",
    "etag", "px", "dpi", "uuid", "sha", "ttf", "otf", "woff", "utc", "msk", "telegram",
    "instagram", "ok", "fusion", "brain", "simulation",
    "inter", "noto", "sans", "serif", "pt", "mono", "display",  # font families to choose
}  # fmt: skip


def visible_labels(html: str) -> list[str]:
    """What labels the page: its title, headings, column heads, field labels, buttons,
    breadcrumbs and filter titles (not the rows' data, which may be Latin)."""
    html = re.sub(r"(?s)<(script|style|tbody)\b.*?</\1>", "", html)
    html = re.sub(r'(?s)<span class="inline_label">.*?</span>', "", html)  # a row's name
    parts = re.findall(
        r"(?s)<(title|h1|h2|h3|th|label|button|summary|legend)\b[^>]*>(.*?)</\1>", html
    )
    texts = [body for _, body in parts]
    texts += re.findall(r'<input[^>]+type="submit"[^>]+value="([^"]*)"', html)
    texts += re.findall(r'(?s)<div class="breadcrumbs">(.*?)</div>', html)
    texts += re.findall(r'(?s)<option value="[^"]*"[^>]*>(.*?)</option>', html)
    return [unescape(re.sub(r"<[^>]+>", " ", text)).strip() for text in texts]


def english_words(labels: list[str]) -> set[str]:
    words = set()
    for label in labels:
        label = re.sub(r"\S+@\S+", "", label)  # an object's name may be its email
        label = re.sub(r"\b[0-9a-f-]{16,}\b", "", label)  # or a UUID, a token's hex id
        for word in re.findall(r"[A-Za-z]{2,}", label):
            if word.lower() not in ALLOWED_LATIN:
                words.add(word)
    return words


def heading(html: str) -> str:
    match = re.search(r"(?s)<h1>(.*?)</h1>", html)
    return unescape(match.group(1)).strip() if match else ""


@pytest.fixture
def populated(admin_user, media):
    """One row or more of every model the admin lists, so each change page exists."""
    employee = UserFactory(email="ira@example.com", full_name="Ирина Котова")
    chat = make_chat(employee, answers=2)
    task = FinishedTaskFactory(owner=employee, chat=chat)
    GenerationAttemptFactory(task=task)
    FormatFactory()
    BrandKitFactory()
    template = make_template(name="Афиша")
    parameters = PromptParametersFactory(user=employee)
    PromptHistory.objects.create(
        user=employee,
        parameters=parameters,
        template_revision=template.revisions.get(),
        assembled_prompt="Постер «Вишнёвый сад».",
    )
    AuditLogFactory(actor=employee)
    RefreshToken.for_user(employee).blacklist()
    RefreshToken.for_user(employee)
    return employee


def registered() -> list:
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


@pytest.mark.parametrize(
    ("count", "form"),
    [(0, "many"), (1, "one"), (2, "few"), (4, "few"), (5, "many"), (11, "many"),
     (12, "many"), (14, "many"), (21, "one"), (22, "few"), (25, "many"), (101, "one"),
     (111, "many"), (112, "many"), (122, "few")],
)  # fmt: skip
def test_plural_form_follows_the_last_two_digits(count, form):
    assert plural_form(count, "one", "few", "many") == form


def test_every_registered_model_has_an_expected_title():
    labels = {model._meta.label_lower for model in registered()}
    assert labels == set(CHANGELIST_TITLES) | set(REPORT_PAGES)


@pytest.mark.django_db
def test_every_changelist_has_a_grammatical_title_and_no_english_labels(admin_browser, populated):
    for model in registered():
        label = model._meta.label_lower
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = admin_browser.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        expected = CHANGELIST_TITLES.get(label) or REPORT_PAGES[label]
        assert heading(html) == expected, url
        assert f"{expected} | Contentum</title>" in html, url
        assert not english_words(visible_labels(html)), (url, english_words(visible_labels(html)))


@pytest.mark.django_db
def test_every_add_page_has_a_grammatical_title_or_is_closed(admin_browser, populated):
    for model in registered():
        label = model._meta.label_lower
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
        response = admin_browser.get(url)
        if label not in ADD_TITLES:
            assert response.status_code in (403, 404), url
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert heading(html) == ADD_TITLES[label], url
        assert f"› {ADD_TITLES[label]}" in unescape(re.sub(r"\s+", " ", html)), url
        assert not english_words(visible_labels(html)), (url, english_words(visible_labels(html)))


@pytest.mark.django_db
def test_every_change_page_has_a_grammatical_title_and_no_english_labels(admin_browser, populated):
    for model in registered():
        label = model._meta.label_lower
        if label in REPORT_PAGES:
            continue
        obj = model._default_manager.first()
        assert obj is not None, label
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
        response = admin_browser.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        edits = CHANGELIST_TITLES[label].endswith("для изменения")
        noun = CHANGELIST_TITLES[label].removeprefix("Выберите ").rsplit(" для ", 1)[0]
        assert heading(html) == f"{'Изменить' if edits else 'Просмотреть'} {noun}", url
        assert not english_words(visible_labels(html)), (url, english_words(visible_labels(html)))


@pytest.mark.django_db
def test_the_counts_under_a_list_agree_with_the_number(admin_browser, populated):
    UserFactory.create_batch(3)  # with the admin and Ирина: 5
    html = admin_browser.get("/admin/accounts/user/").content.decode()
    assert re.search(r"\b5 пользователей\b", html)
    html = admin_browser.get("/admin/chats/chat/").content.decode()
    assert re.search(r"\b1 чат\b", html)
    make_chat(UserFactory())
    html = admin_browser.get("/admin/chats/chat/").content.decode()
    assert re.search(r"\b2 чата\b", html)
    assert "2 чаты" not in html


@pytest.mark.django_db
def test_the_header_is_ours(admin_browser):
    html = admin_browser.get("/admin/").content.decode()
    assert "Contentum — администрирование" in html
    assert "Django" not in re.sub(r"(?s)<(script|style|link)\b.*?>", "", html)


@pytest.mark.django_db
def test_the_add_button_and_the_bulk_delete_name_the_model_properly(admin_browser, populated):
    html = admin_browser.get("/admin/accounts/user/").content.decode()
    assert "Добавить пользователя</a>" in html
    assert ">Удалить выбранных пользователей</option>" in html
    html = admin_browser.get("/admin/chats/chat/").content.decode()
    assert ">Удалить выбранные чаты</option>" in html


@pytest.mark.django_db
def test_delete_pages_ask_in_the_accusative(admin_browser, populated):
    leaving = UserFactory(email="leaving@example.com")
    html = admin_browser.get(f"/admin/accounts/user/{leaving.pk}/delete/").content.decode()
    assert "удалить пользователя «leaving@example.com»?" in unescape(html)
    make_chat(UserFactory())
    chats = [str(pk) for pk in apps.get_model("chats", "Chat").objects.values_list("pk", flat=True)]
    response = admin_browser.post(
        "/admin/chats/chat/", {"action": "delete_selected", "_selected_action": chats}
    )
    assert "удалить выбранные чаты?" in unescape(response.content.decode())


@pytest.mark.django_db
def test_saved_messages_read_as_russian(admin_browser, populated):
    response = admin_browser.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "full_name": "Новый Сотрудник",
            "password": "Another-Pass-2026",
            "role": "EMPLOYEE",
            "is_active": "on",
        },
        follow=True,
    )
    html = unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    assert "Добавлено: пользователь «new@example.com»." in html
