"""No log keeps a query string: a shared link's `?signature=` is a secret."""

import io
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

SIGNATURE = "eyJ0IjoiMSJ9:1uSecretSig"
SHARED_PATH = "/api/generation-tasks/5f0c/download/"
GUNICORN_CONF = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


def gunicorn_access_line(environ: dict) -> str:
    """The line gunicorn writes for one request, with the project's access_log_format."""
    cfg = Config()
    cfg.set("access_log_format", runpy.run_path(str(GUNICORN_CONF))["access_log_format"])
    response = SimpleNamespace(status="403 Forbidden", sent=120, headers=[])
    request = SimpleNamespace(headers=[])
    atoms = Logger(cfg).atoms(response, request, environ, timedelta(milliseconds=12))
    return cfg.access_log_format % atoms


def test_gunicorns_access_log_names_the_path_without_its_signature():
    line = gunicorn_access_line(
        {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{SHARED_PATH}?signature={SIGNATURE}",
            "PATH_INFO": SHARED_PATH,
            "QUERY_STRING": f"signature={SIGNATURE}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.7",
            "HTTP_REFERER": f"https://contentum.example.com{SHARED_PATH}?signature={SIGNATURE}",
            "HTTP_USER_AGENT": "curl/8",
        }
    )

    assert f'"GET {SHARED_PATH} HTTP/1.1" 403' in line
    assert "203.0.113.7" in line and "curl/8" in line
    assert SIGNATURE not in line


@pytest.fixture
def log_output():
    """What the handlers configured from settings.LOGGING (and Django's defaults) write,
    their streams pointed at a buffer for the test."""
    buffer = io.StringIO()
    handlers = {
        handler
        for name in ("", "django", "django.request", "django.server")
        for handler in logging.getLogger(name).handlers
        if handler.name in ("console", "django.server")  # not pytest's own
    }
    streams = [(handler, handler.setStream(buffer)) for handler in handlers]
    yield buffer
    for handler, stream in streams:
        handler.setStream(stream)


def test_the_development_servers_request_lines_leave_the_signature_out(log_output):
    # As django.core.servers.basehttp.WSGIRequestHandler.log_message logs a 403.
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"GET {SHARED_PATH}?signature={SIGNATURE} HTTP/1.1", "403", "120"
    )

    assert f"GET {SHARED_PATH} HTTP/1.1" in log_output.getvalue()
    assert SIGNATURE not in log_output.getvalue()


def test_an_error_that_quotes_a_shared_link_leaves_the_signature_out(log_output):
    logging.getLogger("contentum.generation").error(
        "Could not serve %s", f"https://contentum.example.com{SHARED_PATH}?signature={SIGNATURE}"
    )

    assert f"https://contentum.example.com{SHARED_PATH}" in log_output.getvalue()
    assert SIGNATURE not in log_output.getvalue()
