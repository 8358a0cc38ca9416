"""Settings shared by every mode, read from the environment (and an optional `.env`).

With no `DATABASE_URL` / `REDIS_URL` Contentum runs "embedded": SQLite, a filesystem
Celery broker and a file cache, all under `var/`. Every variable is documented in
`.env.example` and the README.

Importing settings only reads: `python -m contentum.settings.var` (the first step of
`make run`) creates `var/`, the broker's folders and the generated secret key.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from contentum.settings.environment import env
from contentum.settings.var import (
    BROKER_FOLDERS,
    JWT_SIGNING_KEY_FILE,
    SECRET_KEY_FILE,
    VAR_DIR,
    keys_come_from_var,
)

# The package's own folder: project-wide templates and the translation catalog.
PACKAGE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.bool("DEBUG", default=False)
DATABASE_URL = env("DATABASE_URL", default="")
REDIS_URL = env("REDIS_URL", default="")
EMBEDDED = not DATABASE_URL


def _key(name: str, key_file: Path) -> str:
    """An explicit key always wins; the embedded mode (or DEBUG) reads the one that
    `make run` generated under var/. Settings never write it."""
    key = env(name, default="")
    if key:
        return key
    if not keys_come_from_var():
        raise ImproperlyConfigured(
            f"set {name} (a long random string, e.g. from `python3 -c 'import secrets; "
            f"print(secrets.token_urlsafe(50))'`): it is required when DATABASE_URL is set "
            "and DEBUG is off."
        )
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"{name} is not set and {key_file} does not exist. Run `make run` once, or "
            f"`python -m contentum.settings.var`, to create var/ and generate the key "
            f"there; or set {name}."
        ) from None


SECRET_KEY = _key("SECRET_KEY", SECRET_KEY_FILE)
# Tokens are signed with a key of their own: rotating one secret does not touch the other.
JWT_SIGNING_KEY = _key("JWT_SIGNING_KEY", JWT_SIGNING_KEY_FILE)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "contentum.common",
    "contentum.audit",
    "contentum.accounts",
    "contentum.questionnaire",
    "contentum.design",
    "contentum.prompts",
    "contentum.chats",
    "contentum.generation",
    "contentum.usage",
    "contentum.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "contentum.common.middleware.RequestBodyLimitMiddleware",
    "contentum.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "contentum.common.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "contentum.urls"
WSGI_APPLICATION = "contentum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' own: our overrides of a few Django admin templates.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Persistent connections in every mode; health checks drop a connection the server closed.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=600)
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "contentum.sqlite3"),
            # Several web processes and the worker write to one file: WAL lets readers
            # run beside a writer, IMMEDIATE takes the write lock at BEGIN (so a read
            # never has to upgrade to a write lock mid-transaction and deadlock), and the
            # timeout makes a writer wait for the lock instead of failing at once.
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=30000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling) -----------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # Django creates the folder when the cache is first used.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "contentum.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
TIME_ZONE = env("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
# Ahead of Django's and the apps' catalogs: grammatical admin phrases, third-party labels.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
# Created by collectstatic (make run runs it).
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
# Folders are created as files are saved.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default="") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps when collectstatic has not run (make run does).
WHITENOISE_USE_FINDERS = True

# --- Contentum --------------------------------------------------------------------------
ALLOWED_EMAIL_DOMAINS = [d.lower() for d in env.list("ALLOWED_EMAIL_DOMAINS", default=[])]
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# Multipart bodies (a brand kit's logo and two fonts in one request).
MAX_UPLOAD_BODY_BYTES = env.int("MAX_UPLOAD_BODY_BYTES", default=16 * 1024 * 1024)
# How many proxies in front of us append to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
THROTTLE_RATES = {
    "auth_ip": env("THROTTLE_AUTH_IP", default="10/min"),
    "auth_email": env("THROTTLE_AUTH_EMAIL", default="10/min"),
    "generate": env("THROTTLE_GENERATE", default="30/min"),
    # Requests that may call the LLM (parameter enrichment), per user.
    "llm": env("THROTTLE_LLM", default="20/min"),
}
# Failed logins per email and client address: the first LOGIN_FAILURES_FREE cost nothing,
# then each one waits twice as long as the one before, from LOGIN_FAILURE_DELAY_SECONDS up
# to LOGIN_FAILURE_MAX_DELAY_SECONDS; a successful login forgets them.
LOGIN_FAILURES_FREE = env.int("LOGIN_FAILURES_FREE", default=5)
LOGIN_FAILURE_DELAY_SECONDS = env.int("LOGIN_FAILURE_DELAY_SECONDS", default=30)
LOGIN_FAILURE_MAX_DELAY_SECONDS = env.int("LOGIN_FAILURE_MAX_DELAY_SECONDS", default=900)
ADMIN_EMAIL = env("CONTENTUM_ADMIN_EMAIL", default="")
ADMIN_PASSWORD = env("CONTENTUM_ADMIN_PASSWORD", default="")

# --- REST framework and JWT -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["contentum.accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["contentum.common.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "contentum.common.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "contentum.common.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "contentum.common.exceptions.envelope_exception_handler",
    "NUM_PROXIES": NUM_PROXIES or None,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": env.bool("JWT_ROTATE_REFRESH_TOKENS", default=True),
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    # Every token carries a hash of the password it was issued under: a password change
    # (one's own, an admin's reset, a promotion by ensure_admin) ends every session at once.
    "CHECK_REVOKE_TOKEN": True,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
# A login's refresh tokens (its rotations) stop working this long after the login itself.
JWT_MAX_SESSION_DAYS = env.int("JWT_MAX_SESSION_DAYS", default=30)

# /swagger/, /redoc/ and /api/schema/; production settings turn them off by default.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "Contentum API",
    "DESCRIPTION": "Guided chat → prompt → generated marketing image.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": True,
    },
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "contentum.questionnaire.models.QuestionKind",
        "MessageKindEnum": "contentum.chats.models.MessageKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Tags by path, readable operationIds, Russian summaries.
        "contentum.common.openapi.postprocess_schema",
    ],
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Celery -----------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Folders created by `python -m contentum.settings.var` (make run). The transport
    # ignores the host; naming one keeps kombu from warning "No hostname was supplied".
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDERS["queue"]),
        "data_folder_out": str(BROKER_FOLDERS["queue"]),
        "processed_folder": str(BROKER_FOLDERS["processed"]),
        # Broadcast (pidbox) exchanges; kombu's default is ./control in the working dir.
        "control_folder": str(BROKER_FOLDERS["control"]),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up closes the database connection before and after every task
# unless this is set; with it (never reached in practice) connections live as CONN_MAX_AGE
# says and are checked at each task's boundary (contentum/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1_000_000)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE

# --- Logging ----------------------------------------------------------------------------
# Every line of `make run` says its zone, as gunicorn's do ("[%Y-%m-%d %H:%M:%S %z]"):
# Celery's and Django's had none, so beside gunicorn's they read as another zone. All are
# in TIME_ZONE: Django sets the process's zone (TZ) to it when settings load, in the
# gunicorn master before its first line (preload_app) and in each Celery worker.
LOG_DATEFMT = "%Y-%m-%d %H:%M:%S %z"
CELERY_WORKER_LOG_DATEFMT = LOG_DATEFMT
CELERY_WORKER_TASK_LOG_DATEFMT = LOG_DATEFMT
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s",
            "datefmt": LOG_DATEFMT,
        }
    },
    # Query strings never reach a log: a shared link's signature is a secret.
    "filters": {"no_query_string": {"()": "contentum.common.logfilters.StripQueryStrings"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_string"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # The development server's request lines, through the filtered handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Per-domain settings, each in its own module ----------------------------------------
from contentum.settings.accounts import *  # noqa: E402, F403
from contentum.settings.chats import *  # noqa: E402, F403
from contentum.settings.design import *  # noqa: E402, F403
from contentum.settings.generation import *  # noqa: E402, F403
from contentum.settings.prompts import *  # noqa: E402, F403

CELERY_BEAT_SCHEDULE = {
    "expire-temporary-chats": {
        "task": "chats.expire_temporary_chats",
        "schedule": CHAT_EXPIRY_INTERVAL_SECONDS,  # noqa: F405
    },
    **GENERATION_BEAT_SCHEDULE,  # noqa: F405
}

# Images in S3-compatible storage when a bucket is configured (pip install 'contentum[s3]').
if AWS_STORAGE_BUCKET_NAME:  # noqa: F405
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
