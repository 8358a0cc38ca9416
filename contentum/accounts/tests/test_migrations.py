"""Accounts that existed before approvals were introduced count as approved."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_accounts_are_approved_as_of_the_day_they_joined():
    executor = MigrationExecutor(connection)
    before, after = [("accounts", "0001_initial")], [("accounts", "0002_user_approved_at")]
    executor.migrate(before)
    old_state = executor.loader.project_state(before).apps
    joined = timezone.now() - timedelta(days=400)
    user = old_state.get_model("accounts", "User").objects.create(
        email="old@example.com", full_name="Старый", password="!", date_joined=joined
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    new_state = executor.loader.project_state(after).apps
    migrated = new_state.get_model("accounts", "User").objects.get(pk=user.pk)

    assert migrated.approved_at == joined
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
