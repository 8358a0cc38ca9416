import factory

from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditAction, AuditLog


class AuditLogFactory(factory.django.DjangoModelFactory):
    """`created_at` is set by the database; travel in time (time_machine) to choose it."""

    class Meta:
        model = AuditLog

    actor = factory.SubFactory(UserFactory)
    actor_email = factory.LazyAttribute(lambda o: o.actor.email if o.actor else "")
    action = AuditAction.LOGIN_SUCCEEDED
    target_type = "accounts.user"
    target_id = factory.LazyAttribute(lambda o: str(o.actor.pk) if o.actor else "")
    details = factory.LazyFunction(dict)
    ip_address = "192.0.2.10"
    user_agent = "pytest"
