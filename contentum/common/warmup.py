"""Loading once, in gunicorn's master, what the first requests would otherwise load.

With `preload_app` (gunicorn.conf.py) the master imports the app and calls `warm_up`
before it forks: every worker starts with the views imported, the routes compiled, the
password list read, the Argon2 and JWT libraries loaded and the Celery app finalised,
instead of each worker's first requests paying for it (about 0.1 s of CPU).

Public calls only, and nothing that connects: no query, cache or broker call (a worker
would inherit the socket; a server that drops packets would hang the start), no thread.
"""

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import translation
from rest_framework_simplejwt.tokens import AccessToken

from contentum.celery import app


def warm_up() -> None:
    reverse("healthz")  # the reverse map: imports every view, compiles every route
    get_default_password_validators()  # reads the common-passwords list
    validate_email("warm-up@example.com")  # compiles the e-mail domain pattern
    hasher = get_hasher()
    hasher.encode("warm-up", hasher.salt())  # loads the Argon2 library: one hash
    AccessToken(str(AccessToken()))  # signs and reads a token: loads PyJWT
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("This field is required.")  # loads the catalogs
    app.finalize()  # binds every task; the broker is contacted on the first send only
