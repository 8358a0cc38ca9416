from django.db.models import QuerySet

from contentum.accounts.models import User


def user_list(*, actor: User) -> QuerySet[User]:
    """Admins see everyone; anyone else sees only themselves (others are 'not found')."""
    users = User.objects.all()
    return users if actor.is_admin else users.filter(pk=actor.pk)
