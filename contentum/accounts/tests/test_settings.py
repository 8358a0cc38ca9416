"""The accounts settings come from the environment, and a typo stops the start."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from contentum.settings import accounts


@pytest.fixture
def reload_accounts_settings(monkeypatch):
    yield lambda: importlib.reload(accounts)
    monkeypatch.undo()  # the real environment back, then the module as it was
    importlib.reload(accounts)


def test_registration_is_open_and_promotion_off_by_default(monkeypatch, reload_accounts_settings):
    monkeypatch.delenv("REGISTRATION_MODE", raising=False)
    monkeypatch.delenv("CONTENTUM_ADMIN_PROMOTE", raising=False)
    module = reload_accounts_settings()
    assert (module.REGISTRATION_MODE, module.ADMIN_PROMOTE) == ("open", False)


def test_registration_mode_and_admin_promotion_are_read_from_the_environment(
    monkeypatch, reload_accounts_settings
):
    monkeypatch.setenv("REGISTRATION_MODE", " Approval ")
    monkeypatch.setenv("CONTENTUM_ADMIN_PROMOTE", "true")
    module = reload_accounts_settings()
    assert (module.REGISTRATION_MODE, module.ADMIN_PROMOTE) == ("approval", True)


def test_an_unknown_registration_mode_is_a_configuration_error(
    monkeypatch, reload_accounts_settings
):
    monkeypatch.setenv("REGISTRATION_MODE", "invite-only")
    with pytest.raises(ImproperlyConfigured, match="REGISTRATION_MODE"):
        reload_accounts_settings()
