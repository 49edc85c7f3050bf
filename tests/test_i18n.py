"""zh-hans: every message has a translation and the compiled catalogue matches the .po file."""

import ast
import gettext
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries(path: Path):
    """Minimal .po reader: yields (msgctxt, msgid, msgid_plural, [msgstr...], flags) per entry."""
    entry, key, flags = {}, None, set()
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        elif not line.strip() and entry:
            strs = [v for k, v in sorted(entry.items()) if k.startswith("msgstr")]
            yield entry.get("msgctxt"), entry.get("msgid", ""), entry.get("msgid_plural"), strs, flags
            entry, key, flags = {}, None, set()


def test_every_message_is_translated_and_compiled():
    with open(LOCALE / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    untranslated, stale = [], []
    for context, msgid, plural, strs, flags in _po_entries(LOCALE / "django.po"):
        if not msgid:
            continue  # header
        if "fuzzy" in flags or not all(strs):
            untranslated.append(msgid)
        elif plural is None:
            compiled = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
            if compiled != strs[0]:
                stale.append(msgid)
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"
    assert not stale, f"django.mo is older than django.po (run make messages): {stale[:10]}"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="zh-hans")
def test_pages_render_in_simplified_chinese(agent_client):
    agent_client.cookies["django_language"] = "zh-hans"
    html = agent_client.get(reverse("tickets:list")).content.decode()
    assert "工单" in html and "新建工单" in html
