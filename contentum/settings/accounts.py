"""Settings of the accounts domain, read from the environment."""

from django.core.exceptions import ImproperlyConfigured

from contentum.settings.environment import env

# Who may create an account: `open` (anyone registers), `approval` (anyone registers, an
# admin approves before the first login) or `closed` (only admins create accounts).
REGISTRATION_MODES = ("open", "approval", "closed")
REGISTRATION_MODE = env("REGISTRATION_MODE", default="open").strip().lower()
if REGISTRATION_MODE not in REGISTRATION_MODES:
    raise ImproperlyConfigured(
        f"REGISTRATION_MODE must be one of {', '.join(REGISTRATION_MODES)}, "
        f"not {REGISTRATION_MODE!r}."
    )

# `manage.py ensure_admin` (run by `make run`) turns an existing non-admin account with the
# admin e-mail into the admin only when this is on (or with --promote-existing).
ADMIN_PROMOTE = env.bool("CONTENTUM_ADMIN_PROMOTE", default=False)

# Seconds a one-time link from the web client into the Django admin stays valid
# (`POST /api/auth/admin-link/`); it works once, and only for an active admin.
ADMIN_LINK_TTL_SECONDS = env.int("ADMIN_LINK_TTL_SECONDS", default=60)
if ADMIN_LINK_TTL_SECONDS < 1:
    raise ImproperlyConfigured("ADMIN_LINK_TTL_SECONDS must be a positive number of seconds.")
