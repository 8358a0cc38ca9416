"""The HTML shell of the client: served on its paths, self-contained (no CDN, works
offline), with every asset it names found and served by the web process."""

import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "web"
EXTERNAL = re.compile(r"(https?:)?//", re.IGNORECASE)


class _References(HTMLParser):
    """Every src and href in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def shell(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", ["/", "/gallery/", f"/chats/{uuid.uuid4()}/"])
def test_client_paths_answer_the_russian_html_shell(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert 'type="module"' in html


def test_shell_links_nothing_outside_this_server(client):
    html = shell(client)

    urls = references(html)
    assert urls
    assert all(url.startswith(("/", "#")) and not url.startswith("//") for url in urls), urls
    assert not re.search(r"https?://", html)


def test_every_asset_the_shell_names_is_found_and_served(client):
    assets = [url for url in references(shell(client)) if url.startswith(settings.STATIC_URL)]

    assert {Path(url).name for url in assets} >= {"app.js", "style.css"}
    for url in assets:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".js"):  # browsers run modules only with a script MIME type
            assert "javascript" in response["Content-Type"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, url


def test_modules_import_only_files_that_exist_and_fetch_only_this_origin():
    sources = list(STATIC_DIR.glob("*.js")) + list(STATIC_DIR.glob("*.css"))
    assert sources

    for source in sources:
        text = source.read_text()
        for target in re.findall(r'from\s+"([^"]+)"', text):
            assert target.startswith("./"), f"{source.name} imports {target}"
            assert (STATIC_DIR / target).is_file(), f"{source.name} imports {target}"
        assert not re.search(r"https?://", text), f"{source.name} names an external URL"
        assert "innerHTML" not in text, f"{source.name} writes HTML: use textContent"


def test_shell_allows_only_its_own_scripts_and_connections(client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_other_paths_are_not_the_shell(client):
    assert client.get("/chats/not-a-chat-id/").status_code == 404
    assert client.post("/").status_code == 405
