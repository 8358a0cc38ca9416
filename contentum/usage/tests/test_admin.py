"""The report page in the Django admin: on the index, a form, the table, the CSV link."""

import csv
import io

import pytest
from django.test import Client

from contentum.usage.tests.data import usage_may

PAGE = "/admin/usage/usagereport/"
CSV = "/admin/usage/usagereport/csv/"
MAY = {"from": "2026-05-01", "to": "2026-05-31"}


@pytest.mark.django_db
def test_the_admin_index_links_the_report(admin_browser):
    html = admin_browser.get("/admin/").content.decode()

    assert "Использование" in html
    assert f'href="{PAGE}"' in html
    assert "Отчёт об использовании" in html


@pytest.mark.django_db
def test_the_page_shows_the_form_the_table_and_the_csv_link(admin_browser):
    usage_may()

    response = admin_browser.get(PAGE, {**MAY, "group_by": "user"})

    assert response.status_code == 200
    html = response.content.decode()
    for field in ('name="from" value="2026-05-01"', 'name="to" value="2026-05-31"'):
        assert field in html
    assert '<option value="user" selected>' in html
    assert "Скачать CSV" in html
    assert f'href="{CSV}?from=2026-05-01&amp;to=2026-05-31&amp;group_by=user"' in html
    assert response.context["header"][:3] == ["Email", "Id", "Заказы"]
    assert [cells[0] for cells in response.context["table_rows"]] == [
        "alice@example.com",
        "bob@example.com",
    ]
    assert response.context["total_row"][:5] == ["Итого", None, 6, 7, 8]
    assert "alice@example.com" in html
    assert "Неудачи: Обработчик не продолжил генерацию" in html


@pytest.mark.django_db
def test_the_page_defaults_to_this_month(admin_browser):
    response = admin_browser.get(PAGE)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.date_from.day == 1
    assert report.group_by == "user"
    assert "За этот период задач нет." in response.content.decode()


@pytest.mark.django_db
def test_the_page_names_bad_parameters(admin_browser):
    response = admin_browser.get(PAGE, {"from": "2026-06-01", "to": "2026-05-01"})

    assert response.status_code == 400
    assert response.context["report"] is None
    html = response.content.decode()
    assert "from: Начало периода позже его конца." in html
    assert "Скачать CSV" not in html


@pytest.mark.django_db
def test_the_csv_link_downloads_the_file(admin_browser):
    usage_may()

    response = admin_browser.get(CSV, {**MAY, "group_by": "provider"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="usage-2026-05-01-2026-05-31-provider.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert [line[0] for line in lines] == ["provider", "kandinsky", "simulation", "total"]


@pytest.mark.django_db
def test_a_bad_csv_link_shows_the_page_with_the_reason(admin_browser):
    response = admin_browser.get(CSV, {**MAY, "group_by": "week"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "group_by: Допустимые значения: user, day, provider." in response.content.decode()


@pytest.mark.django_db
def test_there_are_no_task_pages_under_the_report(admin_browser):
    assert admin_browser.get(f"{PAGE}add/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PAGE, CSV])
def test_employees_and_anonymous_are_sent_to_the_login(employee, path):
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(employee)

    for client in (anonymous, signed_in):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
