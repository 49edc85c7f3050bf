"""pytest settings: the embedded default (or DATABASE_URL/REDIS_URL when CI sets them), made fast."""

from .base import *  # noqa: F401,F403
from .base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")
# Tasks run inline when a test calls .delay(); tests that need a real worker start one.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LANGUAGE_CODE = "en"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Each test starts with an empty cache (conftest clears it); never a shared Redis cache in tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "servicedesk-tests"}}
