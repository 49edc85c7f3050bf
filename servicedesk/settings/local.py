"""Developer laptop / ``make run``: embedded default with DEBUG on."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_AUTOREFRESH = True  # no collectstatic on a laptop
