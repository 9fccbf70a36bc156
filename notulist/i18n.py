"""UI strings through gettext catalogs (locale/<lang>/LC_MESSAGES/notulist.po) and dates by Babel."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


@functools.lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    """msgid -> translation; English is the source language and needs no catalog."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "notulist.po"
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        messages = read_po(handle, locale=BABEL_LOCALES[language])
    return {m.id: m.string for m in messages if m.id and m.string and not m.fuzzy
            and isinstance(m.id, str)}


def translate(language: str, message: str, **values) -> str:
    text = catalog(language).get(message, message)
    return text % values if values else text


@functools.lru_cache(maxsize=65536)
def format_date(date: dt.date, language: str, style: str = "long") -> str:
    """22 september 2023 (nl), 22 September 2023 (en)."""
    return babel_format_date(date, style, locale=BABEL_LOCALES[language])
