"""Withheld names replaced in text and HTML: one matcher, used for every text published.

A name matches as whole words, ignoring case, accents, an honorific before it (Dhr., Mevr.,
Mr., Dr., …) and the punctuation between its words (`v.d. Burg` is `v d burg`). The longest
form wins, so a public "Kees Jansen" is not taken for a withheld "Jansen"."""
from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass

from ..names import HONORIFICS, fold, normalised, strip_honorific
TAG = re.compile(r"(<[^>]*>)")
CODE_OPEN = re.compile(r"^<(code|pre|kbd|samp)\b", re.IGNORECASE)
CODE_CLOSE = re.compile(r"^</(code|pre|kbd|samp)\s*>", re.IGNORECASE)
# Attributes a reader sees (or hears) as text; URLs and ids are the leak check's.
TEXT_ATTRIBUTE = re.compile(r'(\s(?:alt|title|aria-label)=")([^"]*)(")', re.IGNORECASE)


def _letter_variants() -> dict[str, str]:
    """Each letter with the accented letters that fold to it: é, è, ë, … for e."""
    variants = defaultdict(set)
    for code in range(0xC0, 0x250):
        folded = fold(chr(code))
        if len(folded) == 1:
            variants[folded].add(chr(code))
    return {letter: "".join(sorted(chars)) for letter, chars in variants.items()}


VARIANTS = _letter_variants()


def _word_pattern(word: str) -> str:
    parts = []
    for letter in word:
        chars = re.escape(letter) + "".join(re.escape(c) for c in VARIANTS.get(letter, ""))
        parts.append(f"[{chars}][\u0300-\u036f]*")
    return "".join(parts)


def form_pattern(form: str) -> str:
    """The regular expression of one written form: its words, any punctuation between."""
    return r"[\W_]+".join(_word_pattern(word) for word in fold(form).split())


@dataclass(frozen=True)
class Matcher:
    """Withheld forms (folded) and what the public reads instead; public forms that contain
    a withheld one map to None and stay as written."""
    shown: dict[str, str | None]
    pattern: re.Pattern | None
    words: frozenset[str] = frozenset()     # the longest word of each withheld form

    @classmethod
    def of(cls, shown: dict[str, str | None]) -> Matcher:
        shown = {form: value for form, value in shown.items() if form}   # "" would match all
        if not any(value is not None for value in shown.values()):
            return cls({}, None)
        words = frozenset(max(form.split(), key=len) for form, value in shown.items()
                          if value is not None and form)
        forms = sorted(shown, key=lambda f: (-len(f), f))
        honorific = r"(?:(?:" + "|".join(HONORIFICS) + r")\.?\s+)?"
        pattern = re.compile(r"(?<!\w)" + honorific + "(?:" + "|".join(
            form_pattern(form) for form in forms) + r")(?!\w)", re.IGNORECASE)
        return cls(dict(shown), pattern, words)

    def might_name(self, text: str) -> bool:
        """Whether the text may hold a withheld name: a substring search, far faster than
        the pattern, that sees every text the pattern matches."""
        plain = normalised(html.unescape(text) if "&" in text else text)
        return any(word in plain for word in self.words)

    def text(self, text: str | None) -> str | None:
        """Plain text with every withheld name replaced."""
        if not text or self.pattern is None or not self.might_name(text):
            return text
        return self.pattern.sub(self._replacement, text)

    def html(self, fragment: str) -> str:
        """HTML with withheld names replaced in text and in alt/title attributes; code and
        URLs are left as they are (the leak check stops the build if a name is there)."""
        if not fragment or self.pattern is None or not self.might_name(fragment):
            return fragment
        parts, code = TAG.split(fragment), 0
        for index, part in enumerate(parts):
            if index % 2:
                code += 1 if CODE_OPEN.match(part) else -1 if CODE_CLOSE.match(part) else 0
                code = max(code, 0)
                parts[index] = TEXT_ATTRIBUTE.sub(
                    lambda m: m.group(1) + self._escaped(m.group(2), True) + m.group(3), part)
            elif not code:
                parts[index] = self._escaped(part, False)
        return "".join(parts)

    def _escaped(self, text: str, quote: bool) -> str:
        plain = html.unescape(text) if "&" in text else text
        replaced = self.pattern.sub(self._replacement, plain)
        return text if replaced == plain else html.escape(replaced, quote=quote)

    def _replacement(self, found: re.Match) -> str:
        shown = self.shown.get(fold(strip_honorific(found.group(0))))
        return found.group(0) if shown is None else shown

