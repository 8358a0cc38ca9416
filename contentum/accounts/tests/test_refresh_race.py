"""Concurrent refreshes of one token (PostgreSQL: a real row lock between the requests)."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts.tests.factories import UserFactory
from contentum.common.tests.threads import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REFRESH = "/api/auth/refresh/"


def test_of_concurrent_refreshes_of_one_token_exactly_one_wins_and_the_rest_is_reuse():
    user = UserFactory()
    token = str(RefreshToken.for_user(user))

    responses = run_together(
        6, lambda i: APIClient().post(REFRESH, {"refresh": token}, format="json")
    )

    codes = sorted(response.status_code for response in responses)
    assert codes == [200] + [401] * 5
    assert OutstandingToken.objects.filter(user=user).count() == 2  # one successor only
    winner = next(r for r in responses if r.status_code == 200).json()["refresh"]
    # The losers came after the winner's commit: reuse, so its successor is revoked too.
    refused = APIClient().post(REFRESH, {"refresh": winner}, format="json")
    assert refused.status_code == 401
