"""With production settings `manage.py check --deploy` has nothing to say."""

import secrets

import pytest

from contentum.common.tests.subprocesses import embedded_env, manage


@pytest.mark.slow
def test_check_deploy_with_production_settings_reports_no_issues(tmp_path):
    env = embedded_env(
        tmp_path,
        settings_module="contentum.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="false",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
