"""Base settings, read from the environment with embedded defaults.

With no environment at all the project runs on a SQLite file under the project folder and a
Celery broker that needs no server (kombu's filesystem transport), so ``make run`` works on a bare
machine. ``DATABASE_URL`` and ``REDIS_URL`` / ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis.
A ``.env`` file is read only when ``DJANGO_READ_DOT_ENV=1``.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# --- Core -----------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# The embedded default key is only good for a laptop; production.py refuses to start without one.
SECRET_KEY = env("SECRET_KEY", default="embedded-insecure-key-change-me-for-any-real-deployment")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "django_filters",
    "django_celery_beat",
    "simple_history",
    # Login throttling: failed attempts per username and per address, lockouts listed in admin.
    "axes",
    # REST API under /api/v1/ with its OpenAPI schema (issue 15, docs/api.md).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Spreadsheet import (dry-run preview) and .xlsx export of lists (issue 15).
    "import_export",
    # ours
    "servicedesk.core",
    "servicedesk.api",
    "servicedesk.webhooks",
    "servicedesk.notify",
    "staff",
    "tickets",
    "tickets.remote",
    "tickets.sla",
    "tickets.contracts",
    "tickets.care",
    # Public service-request form and status page (issue 14, docs/channels.md).
    "tickets.intake",
    "tickets.mailin",
    # WeChat official account channel (issue 14, docs/channels.md).
    "tickets.wechat",
    "hotline",
    "hotline.roster",
    "onsite",
    # Spare parts, warehouse and van stock (issue 16, docs/onsite.md).
    "onsite.parts",
    "onsite.maintenance",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login required everywhere except views marked with @login_not_required (health check, login).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A repeated creating post (same idempotency key) is answered with the first result.
    "servicedesk.core.idempotency.IdempotencyMiddleware",
    # Last: turns a refused (locked-out) login into the lockout page (AXES_LOCKOUT_TEMPLATE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"
AUTH_USER_MODEL = "staff.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicedesk.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# Embedded default: a SQLite file in var/, WAL journal and IMMEDIATE transactions so the web
# process, the Celery worker and beat can write side by side without "database is locked".
SQLITE_DEFAULT = f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=SQLITE_DEFAULT)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: LOGIN_FAILURE_LIMIT wrong passwords for one username, or from one address, lock that
# username / address out for LOGIN_COOLOFF_MINUTES (a failure while locked, from the same address and
# browser, restarts the wait).
# A successful login does not clear the count: that would let anyone with one account reset the
# address counter between guesses. Admin → Axes → Access attempts lists and lifts lockouts.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = False
# Behind LOGIN_TRUSTED_PROXIES reverse proxies the client address is read from X-Forwarded-For
# (0: REMOTE_ADDR). Without it every login would seem to come from the proxy and one address
# lockout would lock out everybody.
LOGIN_TRUSTED_PROXIES = env.int("LOGIN_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "servicedesk.core.clientip.client_ip"

# --- Sessions -------------------------------------------------------------------------------------
# Shared PCs at the hotline and in customers' server rooms: a session ends when the browser closes,
# and the server forgets it SESSION_COOKIE_AGE seconds (12 h, one long shift) after it last changed.
# Logging in always starts a new session key (django.contrib.auth.login rotates it).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# --- Internationalisation and time ----------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Cache ----------------------------------------------------------------------------------------
# Per-process memory by default; CACHE_URL (e.g. redis://redis:6379/1, a database apart from the
# broker's) shares it between the web workers. It holds only what can be recomputed: the KPI
# dashboard's closed months (issue 17).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
KPI_CACHE_SECONDS = env.int("KPI_CACHE_SECONDS", default=3600)

# --- Celery ---------------------------------------------------------------------------------------
# REDIS_URL (or an explicit CELERY_BROKER_URL) switches the broker to Redis; without either the
# filesystem transport keeps queued messages under var/celery so worker and beat need no server.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unacknowledged task (acks_late, worker killed) comes back after visibility_timeout: above
    # the longest task's time limit (or a slow task would run twice), well below kombu's one hour.
    # Short socket timeouts: a dead broker fails a publish at once (the outbox relay catches up).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * CELERY_TASK_TIME_LIMIT),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "retry_on_timeout": True,
    }
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# Publishing never blocks a web request on a dead broker: the outbox row is already stored.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Email ----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if "EMAIL_URL" not in env.ENVIRON:  # issue 17: no real mail set up -> one INFO log line per e-mail
    EMAIL_BACKEND = "servicedesk.core.mail.LogEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging --------------------------------------------------------------------------------------
# GN-7: every handler masks phone numbers, e-mail and street addresses (servicedesk/core/logmask.py);
# a test fails for a handler without the filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "servicedesk.core.logmask.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per e-mail from the log backend; LOG_LEVEL=DEBUG adds the full text.
        "servicedesk.mail": {"level": env("MAIL_LOG_LEVEL", default="INFO")},
    },
}

# --- REST API (issue 15, docs/api.md) ---------------------------------------------------------------
# Deny by default: every API view names its roles (servicedesk.api.permissions.HasRole); a view
# that names none admits nobody. Tokens (hashed at rest) or the browser session (with CSRF).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicedesk.api.authentication.TokenAuthentication",
        "servicedesk.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["servicedesk.api.permissions.HasRole"],
    "DEFAULT_THROTTLE_CLASSES": [
        "servicedesk.api.throttling.TokenRateThrottle",
        "servicedesk.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_RATE", default="600/min"),
        "anonymous": env("API_ANONYMOUS_THROTTLE_RATE", default="30/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.Cursor",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "servicedesk.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "DESCRIPTION": "The service centre's REST API, version 1. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "servicedesk.api.schema.add_error_responses",
    ],
}

# --- django-filter ----------------------------------------------------------------------------------
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
FILTERS_NULL_CHOICE_LABEL = _("None")

# --- django-import-export (issue 15: spreadsheet imports in admin, docs/import-export.md) ------------
# Each import runs in one transaction: a sheet with one bad row writes nothing, and the dry-run
# preview is rolled back.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# simple_history keeps the per-row history of an import; one admin log entry per row adds nothing.
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# --- Application settings (service rules that are numbers live in admin-editable rows; these are
# the few process-wide knobs) ----------------------------------------------------------------------
# CB-5, HL-9, OS-10, TR-4: one satisfaction target (percent); on-site may override it.
_SATISFACTION_TARGET = env.int("SATISFACTION_TARGET", default=85)

SERVICEDESK = {
    # Ticket numbers look like SD-2026-000123.
    "TICKET_PREFIX": env("TICKET_PREFIX", default="SD"),
    # HL-13: a contract ending within this many days shows as "expiring".
    "CONTRACT_EXPIRY_WARNING_DAYS": env.int("CONTRACT_EXPIRY_WARNING_DAYS", default=30),
    "PAGE_SIZE": env.int("PAGE_SIZE", default=25),
    # Issue 15, GN-7: an Excel export of a list holds at most this many rows (the file says when cut).
    "EXPORT_MAX_ROWS": env.int("EXPORT_MAX_ROWS", default=50000),
    "SITE_NAME": env("SITE_NAME", default="servicedesk"),
    # Absolute links in e-mails (notifications, survey links), e.g. https://servicedesk.example.com.
    # BASE_URL is the deprecated old name, still read when SITE_URL is not set.
    "SITE_URL": env("SITE_URL", default=env("BASE_URL", default="http://127.0.0.1:8000")),
    # ST-2: leave of more than this many working days needs HR approval after the manager's.
    "LEAVE_HR_ABOVE_DAYS": env.int("LEAVE_HR_ABOVE_DAYS", default=3),
    # ST-7: this many confirmed complaints within this many months call for a demotion/dismissal review.
    "COMPLAINT_REVIEW_COUNT": env.int("COMPLAINT_REVIEW_COUNT", default=3),
    "COMPLAINT_WINDOW_MONTHS": env.int("COMPLAINT_WINDOW_MONTHS", default=6),
    # TR-3: a trainee passes the exam at this mastery (score / maximum, in percent) or more.
    "TRAINING_PASS_MASTERY": Decimal(env("TRAINING_PASS_MASTERY", default="85")),
    # ST-12: the signed implementation form is collected within this many calendar days of completion.
    "IMPLEMENTATION_FORM_DAYS": env.int("IMPLEMENTATION_FORM_DAYS", default=3),
    # RM-7: largest document (customer form scan, training material) that can be uploaded.
    "ATTACHMENT_MAX_MB": env.int("ATTACHMENT_MAX_MB", default=10),
    # On-site service (docs/onsite.md). HL-6: the agent offers a visit within this many days of the call.
    "ONSITE_OFFER_DAYS": env.int("ONSITE_OFFER_DAYS", default=3),
    # OS-11: a return-to-factory repair is back within this many working days.
    "ONSITE_FACTORY_REPAIR_DAYS": env.int("ONSITE_FACTORY_REPAIR_DAYS", default=5),
    # OS-10: on-site satisfaction target in percent (ratings 4-5 of 5 count as satisfied).
    "ONSITE_SATISFACTION_TARGET": env.int("ONSITE_SATISFACTION_TARGET", default=_SATISFACTION_TARGET),
    # Largest signature image (PNG drawn on the phone) accepted, in kilobytes.
    "ONSITE_SIGNATURE_MAX_KB": env.int("ONSITE_SIGNATURE_MAX_KB", default=512),
    # OS-1, issue 17: who approves / dispatches on-site visits, per role: "role" (any time),
    # "role:in_hours" or "role:out_of_hours" (working hours of the default business calendar).
    "ONSITE_APPROVER_ROLES": env.list("ONSITE_APPROVER_ROLES", default=["service_manager", "duty_manager:out_of_hours"]),
    "ONSITE_DISPATCHER_ROLES": env.list(
        "ONSITE_DISPATCHER_ROLES", default=["service_manager", "duty_manager", "admin"]
    ),
    # Issue 17: leaving or checking in more than this many hours before the agreed window asks to confirm (0: never).
    "ONSITE_EARLY_WARNING_HOURS": env.int("ONSITE_EARLY_WARNING_HOURS", default=24),
    # Visit photos (docs/onsite.md, issue 16): keep the GPS position (EXIF) in stored photos? Off:
    # every photo is stored without EXIF/GPS metadata. Largest upload (MB) and picture (pixels,
    # decompression-bomb guard); stored photos are scaled to PHOTO_MAX_SIDE px, thumbnails to PHOTO_THUMB_PX.
    "PHOTO_KEEP_LOCATION": env.bool("PHOTO_KEEP_LOCATION", default=False),
    "PHOTO_MAX_MB": env.int("PHOTO_MAX_MB", default=15),
    "PHOTO_MAX_PIXELS": env.int("PHOTO_MAX_PIXELS", default=50_000_000),
    "PHOTO_MAX_SIDE": env.int("PHOTO_MAX_SIDE", default=2560),
    "PHOTO_THUMB_PX": env.int("PHOTO_THUMB_PX", default=320),
    "PHOTO_MAX_PER_ORDER": env.int("PHOTO_MAX_PER_ORDER", default=40),
    # Preventive maintenance plans (docs/onsite.md): visits and their orders are generated this many days ahead.
    "MAINTENANCE_HORIZON_DAYS": env.int("MAINTENANCE_HORIZON_DAYS", default=60),
    # The ticket type of a generated preventive visit (there is no "maintenance" type; see docs/onsite.md).
    "MAINTENANCE_TICKET_TYPE": env("MAINTENANCE_TICKET_TYPE", default="fault"),
    # Contract renewals (docs/contracts.md). CT-3: payment is due within this many calendar days of signing.
    "CONTRACT_PAYMENT_DAYS": env.int("CONTRACT_PAYMENT_DAYS", default=3),
    # The renewal form proposes a new period of this many months, starting the day after the current end.
    "CONTRACT_RENEWAL_MONTHS": env.int("CONTRACT_RENEWAL_MONTHS", default=12),
    # Callbacks and complaints (docs/callbacks.md). CB-5, HL-9, OS-10, TR-4: satisfaction target in percent.
    "SATISFACTION_TARGET": _SATISFACTION_TARGET,
    # CB-1: the public survey link sent to the customer works for this many days.
    "SURVEY_LINK_MAX_AGE_DAYS": env.int("SURVEY_LINK_MAX_AGE_DAYS", default=14),
    # CB-6: a complaint gets an answer and a plan within this many working days.
    "COMPLAINT_ANSWER_WORKING_DAYS": env.int("COMPLAINT_ANSWER_WORKING_DAYS", default=3),
    # Hotline duty roster (docs/roster.md). HL-2: seats per shift = ceil(active users x this per mille),
    # and never fewer than ROSTER_MIN_SEATS.
    "ROSTER_SEATS_PER_MILLE": Decimal(env("ROSTER_SEATS_PER_MILLE", default="2")),
    "ROSTER_MIN_SEATS": env.int("ROSTER_MIN_SEATS", default=0),
    # HL-3: the roster is published at least this many hours before a shift starts.
    "ROSTER_PUBLISH_LEAD_HOURS": env.int("ROSTER_PUBLISH_LEAD_HOURS", default=12),
    # HL-4: a duty engineer is signed in at their seat this many minutes after the shift starts.
    "ROSTER_SEAT_READY_MINUTES": env.int("ROSTER_SEAT_READY_MINUTES", default=10),
    # HL-4: the seat check catches up on shifts that started up to this many hours ago (after downtime).
    "ROSTER_SEAT_CHECK_LOOKBACK_HOURS": env.int("ROSTER_SEAT_CHECK_LOOKBACK_HOURS", default=48),
    # "My duty" offers the seat sign-in from this many minutes before the shift starts.
    "ROSTER_SIGN_IN_EARLY_MINUTES": env.int("ROSTER_SIGN_IN_EARLY_MINUTES", default=60),
    # Hotline (docs/hotline.md). HL-5: "answered within three rings" as seconds of ringing.
    "HOTLINE_ANSWER_SECONDS": env.int("HOTLINE_ANSWER_SECONDS", default=15),
    # HL-11: default time until a promised call-back is due, in hours (the agent may pick another).
    "HOTLINE_CALLBACK_HOURS": env.int("HOTLINE_CALLBACK_HOURS", default=4),
    # CTI: a ringing call pops up at the called seat for this many minutes.
    "HOTLINE_POPUP_MINUTES": env.int("HOTLINE_POPUP_MINUTES", default=15),
    # Outbox (docs/operations.md): the relay runs every OUTBOX_RELAY_SECONDS (beat), delivering for at
    # most OUTBOX_RELAY_BUDGET_SECONDS per run in batches of OUTBOX_RELAY_BATCH; a message is given up
    # after OUTBOX_MAX_ATTEMPTS (then retried from admin); sent rows are kept OUTBOX_KEEP_DAYS.
    "OUTBOX_RELAY_SECONDS": env.int("OUTBOX_RELAY_SECONDS", default=30),
    "OUTBOX_RELAY_BUDGET_SECONDS": env.int("OUTBOX_RELAY_BUDGET_SECONDS", default=40),
    "OUTBOX_RELAY_BATCH": env.int("OUTBOX_RELAY_BATCH", default=200),
    "OUTBOX_MAX_ATTEMPTS": env.int("OUTBOX_MAX_ATTEMPTS", default=10),
    "OUTBOX_KEEP_DAYS": env.int("OUTBOX_KEEP_DAYS", default=30),
    # The after-commit fast path gives up connecting to the broker after this many seconds.
    "OUTBOX_PUBLISH_TIMEOUT_SECONDS": env.float("OUTBOX_PUBLISH_TIMEOUT_SECONDS", default=3.0),
    # A form's idempotency key answers repeats (double click, retry) for this many days.
    "IDEMPOTENCY_KEEP_DAYS": env.int("IDEMPOTENCY_KEEP_DAYS", default=7),
    # /healthz warns when the oldest pending outbox message is older than this many seconds, or the
    # last SLA sweep ran longer ago than HEALTH_SWEEP_MAX_AGE_SECONDS.
    "HEALTH_OUTBOX_MAX_AGE_SECONDS": env.int("HEALTH_OUTBOX_MAX_AGE_SECONDS", default=300),
    "HEALTH_SWEEP_MAX_AGE_SECONDS": env.int("HEALTH_SWEEP_MAX_AGE_SECONDS", default=300),
    # CTI webhook shared secret (header "Authorization: Bearer <token>"); empty refuses every call.
    "HOTLINE_CTI_TOKEN": env("HOTLINE_CTI_TOKEN", default=""),
    # CTI event times outside [now - past days, now + future minutes] are refused with a 400 (HL-1).
    "HOTLINE_CTI_MAX_PAST_DAYS": env.int("HOTLINE_CTI_MAX_PAST_DAYS", default=7),
    "HOTLINE_CTI_MAX_FUTURE_MINUTES": env.int("HOTLINE_CTI_MAX_FUTURE_MINUTES", default=60),
    # Outgoing webhooks (docs/webhooks.md, issue 15): a receiver has this many seconds to answer; a
    # subscription is disabled after this many failed deliveries in a row (admins are notified).
    "WEBHOOK_TIMEOUT_SECONDS": env.int("WEBHOOK_TIMEOUT_SECONDS", default=5),
    "WEBHOOK_DISABLE_AFTER_FAILURES": env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=10),
    # --- Public service-request form and status page (issue 14, docs/channels.md) ---------
    # Language of the public pages until the visitor picks one with the switch.
    "INTAKE_LANGUAGE": env("INTAKE_LANGUAGE", default="zh-hans"),
    # Rate limits ("count/period", period s, m, h or d; django-ratelimit counters in the cache, which
    # must be shared between workers in production: CACHE_URL=redis://...). Requests sent per client
    # address and per mobile number; serial-number look-ups and status-page comments per address.
    "INTAKE_RATE_IP": env("INTAKE_RATE_IP", default="10/m"),
    "INTAKE_RATE_PHONE": env("INTAKE_RATE_PHONE", default="5/h"),
    "INTAKE_RATE_LOOKUP": env("INTAKE_RATE_LOOKUP", default="30/m"),
    "INTAKE_RATE_COMMENT": env("INTAKE_RATE_COMMENT", default="10/h"),
    # Photos/files per request, and the largest request body accepted (the files together), in MB;
    # each file is also held to ATTACHMENT_MAX_MB.
    "INTAKE_MAX_FILES": env.int("INTAKE_MAX_FILES", default=5),
    "INTAKE_MAX_REQUEST_MB": env.int("INTAKE_MAX_REQUEST_MB", default=30),
    # Issue 14: the domain of the Message-IDs of ticket e-mails (<SD-2026-000123.45@MAIL_DOMAIN>);
    # replies that reference them thread onto the ticket (servicedesk.notify and tickets.mailin).
    "MAIL_DOMAIN": env("MAIL_DOMAIN", default="servicedesk.local"),
    # --- E-mail intake (issue 14, docs/channels.md) ---
    # Beat polls every active mailbox every this many seconds (read when the schedule is seeded).
    "MAILIN_POLL_SECONDS": env.int("MAILIN_POLL_SECONDS", default=60),
    # At most this many new messages are taken per mailbox and poll (the next poll takes the rest).
    "MAILIN_BATCH": env.int("MAILIN_BATCH", default=100),
    # Seconds an IMAP connection may wait for the server before the poll of that mailbox fails.
    "MAILIN_TIMEOUT_SECONDS": env.int("MAILIN_TIMEOUT_SECONDS", default=30),
    # --- WeChat official account (issue 14, docs/channels.md) ---------------------------------
    # The server token from the account's "Server configuration"; empty switches the callback off
    # (404). APP_ID/APP_SECRET are shared with the template messages of servicedesk.notify.
    "WECHAT_TOKEN": env("WECHAT_TOKEN", default=""),
    "WECHAT_APP_ID": env("WECHAT_APP_ID", default=""),
    "WECHAT_APP_SECRET": env("WECHAT_APP_SECRET", default=""),
    # The 43-character EncodingAESKey: set means safe (encrypted) mode, every message must be encrypted.
    "WECHAT_ENCODING_AES_KEY": env("WECHAT_ENCODING_AES_KEY", default=""),
    # A message continues the contact's open WeChat ticket opened within this many days.
    "WECHAT_CONTINUE_DAYS": env.int("WECHAT_CONTINUE_DAYS", default=7),
    # The SMS binding code is valid this many minutes.
    "WECHAT_BIND_CODE_MINUTES": env.int("WECHAT_BIND_CODE_MINUTES", default=10),
    # WeCom (企业微信) self-built app, callback /wechat/work/callback/: the app's "receive messages"
    # token and EncodingAESKey and the CorpID. All three set switch it on; WeCom always encrypts.
    "WECOM_TOKEN": env("WECOM_TOKEN", default=""),
    "WECOM_ENCODING_AES_KEY": env("WECOM_ENCODING_AES_KEY", default=""),
    "WECOM_CORP_ID": env("WECOM_CORP_ID", default=""),
}

# --- Customer messages (issue 14, servicedesk/notify, docs/channels.md) ----------------------
# One backend per channel (dotted path). Embedded default: e-mail through Django's mail backend
# (the log backend without EMAIL_URL); SMS through Aliyun when its access key is set, WeChat
# template messages when the official account's app id and secret are set, else a log line each.
NOTIFY_MAIL_REPLY_TO = env("MAIL_REPLY_TO", default="")
NOTIFY_ALIYUN_ACCESS_KEY_ID = env("ALIYUN_ACCESS_KEY_ID", default="")
NOTIFY_ALIYUN_ACCESS_KEY_SECRET = env("ALIYUN_ACCESS_KEY_SECRET", default="")
NOTIFY_ALIYUN_SMS_SIGN_NAME = env("ALIYUN_SMS_SIGN_NAME", default="")
NOTIFY_ALIYUN_SMS_ENDPOINT = env("ALIYUN_SMS_ENDPOINT", default="dysmsapi.aliyuncs.com")
NOTIFY_WECHAT_APP_ID = env("WECHAT_APP_ID", default="")
NOTIFY_WECHAT_APP_SECRET = env("WECHAT_APP_SECRET", default="")
NOTIFY_EMAIL_BACKEND = env("NOTIFY_EMAIL_BACKEND", default="servicedesk.notify.backends.email.DjangoEmailBackend")
NOTIFY_SMS_BACKEND = env(
    "NOTIFY_SMS_BACKEND",
    default="servicedesk.notify.backends.aliyun.AliyunSmsBackend"
    if NOTIFY_ALIYUN_ACCESS_KEY_ID
    else "servicedesk.notify.backends.console.ConsoleBackend",
)
NOTIFY_WECHAT_BACKEND = env(
    "NOTIFY_WECHAT_BACKEND",
    default="servicedesk.notify.backends.wechat.WeChatTemplateBackend"
    if NOTIFY_WECHAT_APP_ID
    else "servicedesk.notify.backends.console.ConsoleBackend",
)
