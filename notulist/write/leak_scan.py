"""The leak check: no byte of the public build may name a withheld person.

Replacement (link/withhold.py) reaches text and alt/title attributes; a name in a URL, a
code span, an anchor or a file name it must leave alone. So every file the public build
writes is scanned before the swap, as a reader or a program could read it (HTML entities,
percent-encoding, JSON escapes, base64, gzip decoded; tags removed; case, accents and
punctuation between words ignored), and a hit fails the build at the source line."""
from __future__ import annotations

import base64
import binascii
import gzip
import html
import re
import zlib
from pathlib import Path
from urllib.parse import unquote

from ..names import normalised
from ..problems import Problem, error

JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
BASE64 = re.compile(rb"[A-Za-z0-9+/]{16,}={0,2}")
TAG = re.compile(r"<[^>]*>")
# Where in a line of Markdown a name is out of replacement's reach, and the fix.
PLACES = (
    (r"`[^`]*{name}[^`]*`", "in code", "write the name outside the code span"),
    (r"\]\([^)]*{name}", "in a link address", "take the name out of the link's URL"),
    (r"<https?:[^>]*{name}|https?://\S*{name}", "in a URL", "take the name out of the URL"),
    (r"\[\[[^\]|]*{name}", "in a reference target", "refer to the item by its number"),
    (r"\{{#[^}}]*{name}", "in an anchor", "give the heading an anchor without the name"),
    (r"^#+ .*{name}(?!.*\{{#)", "in the anchor made from this heading",
     "give the heading an explicit anchor, like {#overleg}"),
    (r"(?:href|src|id|name)\s*=\s*[\"']?[^\"'>]*{name}", "in an HTML attribute",
     "take the name out of the attribute"),
)


def _form_regex(form: str) -> str:
    return r"(?<![^\W_])" + _form_body(form)


def _form_body(form: str) -> str:
    words = re.findall(r"[^\W_]+", normalised(form))
    return r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])"


def _longest_word(form: str) -> str:
    return max(re.findall(r"[^\W_]+", normalised(form)), key=len, default="")


class LeakScan:
    """Scans the files of one public build for the withheld `needles` (link.people.Needle)."""

    def __init__(self, needles, sources_of, config_path: Path, public_forms=()):
        self.needles = {n.form: n for n in needles}
        # sources_of(output path): the source files of that page; of every page for None
        self.sources_of, self.config_path = sources_of, config_path
        # public names that hold a withheld one ("Kees Jansen"): matched first, and let be
        self.forms = sorted(public_forms, key=lambda f: -len(f)) + list(self.needles)
        self.public = len(public_forms)
        self.pattern = self._pattern(tuple(range(len(self.forms)))) if self.needles else None
        # one word of each name, found by a substring search far faster than the pattern
        self.words = {_longest_word(form) for form in self.needles}
        self.form_words = [_longest_word(form) for form in self.forms]
        self.patterns: dict[tuple[int, ...], re.Pattern] = {}
        self.hits: dict[str, list[str]] = {}    # form -> output paths, in the order seen

    def _pattern(self, indexes: tuple[int, ...]) -> re.Pattern:
        """The forms of `indexes`, in this order, as one pattern (group n<index> each)."""
        return re.compile(r"(?<![^\W_])(?:" + "|".join(
            f"(?P<n{i}>{_form_body(self.forms[i])})" for i in indexes) + ")")

    def _pattern_for(self, text: str) -> re.Pattern:
        """The pattern of only the forms whose longest word is in `text`: a form matches only
        where all its words are, so the matches are the same, found many times faster."""
        indexes = tuple(i for i, word in enumerate(self.form_words) if word in text)
        found = self.patterns.get(indexes)
        if found is None:
            found = self.patterns[indexes] = self._pattern(indexes)
        return found

    @property
    def active(self) -> bool:
        """Whether any name is withheld (else there is nothing to scan for)."""
        return self.pattern is not None

    def saw(self, path: str, data: bytes) -> None:
        self.record(path, self.found_in(path, data))

    def found_in(self, path: str, data: bytes) -> list[str]:
        """The withheld forms in one file. It changes nothing, so a worker process that
        renders the page can run it, and the main process `record`s what it found."""
        if self.pattern is None:
            return []
        text = "\n".join(normalised(reading) for reading in readings(path, data))
        if not any(word in text for word in self.words):
            return []
        found = (int(match.lastgroup[1:]) for match in self._pattern_for(text).finditer(text))
        return list(dict.fromkeys(self.forms[index] for index in found
                                  if index >= self.public))

    def record(self, path: str, forms: list[str]) -> None:
        """The forms `found_in` the file at `path`."""
        for form in forms:
            paths = self.hits.setdefault(form, [])
            if path not in paths:
                paths.append(path)

    def problems(self) -> list[Problem]:
        """Every hit at the source lines that would publish it."""
        problems: dict[tuple, Problem] = {}
        for form, paths in self.hits.items():
            for path in paths:
                for problem in self._locate(self.needles[form], path):
                    problems.setdefault((problem.path, problem.line, form), problem)
        return sorted(problems.values())

    def _locate(self, needle, output: str) -> list[Problem]:
        for candidates in (self.sources_of(output), self.sources_of(None), [self.config_path]):
            found = [p for path in candidates for p in _in_source(path, needle, output)]
            if found:
                return found
        return [error(self.config_path, needle.line or 1, _message(
            needle, f"in {output}", "find the text it comes from and write the name as "
            "plain text there"))]


def readings(path: str, data: bytes) -> list[str]:
    """The ways these bytes can be read as text (see the module's docstring)."""
    payloads = [data]
    if data[:2] == b"\x1f\x8b":
        try:
            payloads.append(gzip.decompress(data))
        except (OSError, EOFError, zlib.error):
            pass
    # a run of base64 mixes capitals and small letters; a path or a long word does not
    payloads += [_base64(run) for payload in list(payloads) for run in BASE64.findall(payload)
                 if run.lower() != run != run.upper()]
    texts = [path, unquote(path)]
    for payload in filter(None, payloads):
        text = payload.decode("utf-8", "ignore")
        if "&" in text:             # the entities decoded hold every name the raw text does
            text = html.unescape(text)
        texts.append(text)
        if "%" in text:
            texts.append(unquote(text))
        if "\\u" in text:
            texts.append(JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
        if "<" in text:
            texts.append(TAG.sub(" ", text))
    return texts


def _base64(run: bytes) -> bytes | None:
    try:
        return base64.b64decode(run + b"=" * (-len(run) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _in_source(path: Path, needle, output: str) -> list[Problem]:
    """The lines of a source file that publish the name where replacement cannot go."""
    name = _form_regex(needle.form)
    if re.search(name, normalised(path.stem)):
        return [error(path, 1, _message(needle, "in the file name", "rename the file"))]
    try:
        lines = path.read_text("utf-8", "replace").splitlines()
    except OSError:
        return []
    problems, plain = [], []
    for number, line in enumerate(lines, 1):
        folded = normalised(line)
        if not re.search(name, folded):
            continue
        place = next(((where, fix) for pattern, where, fix in PLACES
                      if re.search(pattern.format(name=name), folded)), None)
        (problems if place else plain).append(
            error(path, number, _message(needle, *(place or (f"in {output}", "write it as "
                                                             "plain text")))))
    return problems or plain


def _message(needle, where: str, fix: str) -> str:
    return (f"the name of a withheld person ({needle.ground}) would be published here: "
            f"`{needle.form}` {where} — {fix}, or make the passage members-only "
            "(::: members)")
