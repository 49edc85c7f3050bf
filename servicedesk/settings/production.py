"""Production: everything from the environment, hardened. ``manage.py check --deploy`` is clean."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without a real key
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed over plain HTTP by the orchestrator inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Login lockouts per address read the client from X-Forwarded-For behind this many proxies (the TLS proxy).
LOGIN_TRUSTED_PROXIES = env.int("LOGIN_TRUSTED_PROXIES", default=1)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The published demo password is refused for every account (set or changed through a form or
# changepassword), and the core.E001 check stops `migrate` while a demo user still has it.
AUTH_PASSWORD_VALIDATORS = [
    *AUTH_PASSWORD_VALIDATORS,  # noqa: F405
    {"NAME": "servicedesk.core.passwords.DemoPasswordValidator"},
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
