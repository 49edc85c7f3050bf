"""Rendering of message templates: plain text (no HTML escaping), in the message's language."""

import functools

from django.template import Context, Engine, Template
from django.utils import translation


@functools.cache
def _engine() -> Engine:
    # Plain-text messages: "&" stays "&". The default tags and filters, plus i18n and humanize-free.
    return Engine(autoescape=False, builtins=["django.templatetags.i18n", "django.templatetags.l10n"])


def template_compile(source: str) -> Template:
    """Raises ``TemplateSyntaxError`` for a broken template."""
    return _engine().from_string(source)


def template_render(source: str, *, context: dict, language: str) -> str:
    with translation.override(language):
        return template_compile(source).render(Context(context, autoescape=False)).strip()
