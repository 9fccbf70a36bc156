"""The Woo-index output: DiWoo sitemap indexes and sitemaps (metadata schema 0.9.8); pure.

The national Woo-index reads robots.txt, follows its `Sitemap:` lines to one sitemap index
per information category, named `sitemapindex-diwoo-infocatNNN.xml`, and reads one `<url>`
with a `diwoo:Document` per document from the sitemaps those indexes list.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..load.woo import HTML, INFOCAT_NUMBERS, LANGUAGES, VERGADERVERSLAG, VASTSTELLING, Term

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DIWOO_NS = "https://standaarden.overheid.nl/diwoo/metadata/"
WOO_FOLDER = "diwoo"                   # every DiWoo file lives under /diwoo/ of the site
MAX_URLS = 50_000                      # the sitemap protocol's limits, per file
MAX_BYTES = 52_428_800                 # 50 MiB, uncompressed
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class WooDocument:
    """One public, final meeting as the Woo-index sees it."""
    loc: str                        # absolute https URL of the meeting page; never changes
    lastmod: dt.datetime | dt.date  # last change of the meeting file (naive means UTC)
    title: str                      # officieleTitel
    language: str                   # a key of LANGUAGES: "nl" | "en"
    created: dt.date                # creatiedatum: the date of the meeting
    approved: dt.date               # vaststelling: when the minutes were approved
    publisher: Term                 # a TOOI organisation
    category: Term                  # a TOOI informatiecategorie
    kind: Term = VERGADERVERSLAG    # a TOOI documentsoort
    format: Term = HTML


@dataclass(frozen=True)
class WooIndex:
    files: dict[str, bytes]         # output path (under WOO_FOLDER) -> bytes
    robots_lines: tuple[str, ...]   # "Sitemap: <absolute URL of an index file>", sorted


def index_name(category: Term) -> str:
    """sitemapindex-diwoo-infocat018.xml for the inspanningsverplichting art. 3.1 Woo."""
    return f"sitemapindex-diwoo-infocat{INFOCAT_NUMBERS[category.uri]:03d}.xml"


def woo_index(documents: Iterable[WooDocument], base_url: str, max_urls: int = MAX_URLS,
              max_bytes: int = MAX_BYTES) -> WooIndex:
    """Every DiWoo file of the site and the robots.txt lines naming its index files."""
    by_category: dict[Term, list[WooDocument]] = {}
    for document in documents:
        by_category.setdefault(document.category, []).append(document)
    files, robots = {}, []
    for category in sorted(by_category, key=index_name):
        members = sorted(by_category[category], key=lambda d: d.loc)
        _refuse_duplicates(members)
        stem = index_name(category).removeprefix("sitemapindex-").removesuffix(".xml")
        sitemaps = []
        for number, chunk in enumerate(_split(members, max_urls, max_bytes), 1):
            path = f"{WOO_FOLDER}/sitemap-{stem}-{number}.xml"
            files[path] = _urlset(chunk)
            sitemaps.append((base_url + path, max(_moment(d.lastmod) for d, _ in chunk)))
        index_path = f"{WOO_FOLDER}/{index_name(category)}"
        files[index_path] = _sitemap_index(sitemaps)
        robots.append(f"Sitemap: {base_url}{index_path}")
    return WooIndex(files, tuple(sorted(robots)))


def _refuse_duplicates(members: list[WooDocument]) -> None:
    for before, after in zip(members, members[1:]):
        if before.loc == after.loc:
            raise ValueError(f"two Woo documents share the URL {before.loc}")


def _split(members: list[WooDocument], max_urls: int, max_bytes: int):
    """Consecutive runs of (document, its <url> bytes) that keep a sitemap under both limits."""
    frame = len(_URLSET_HEAD) + len(_URLSET_TAIL)
    chunk, size = [], frame
    for document in members:
        entry = _url(document)
        if chunk and (len(chunk) == max_urls or size + len(entry) > max_bytes):
            yield chunk
            chunk, size = [], frame
        chunk.append((document, entry))
        size += len(entry)
    if chunk:
        yield chunk


_URLSET_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" '
                f'xmlns:diwoo="{DIWOO_NS}">\n').encode()
_URLSET_TAIL = b"</urlset>\n"


def _urlset(chunk) -> bytes:
    return _URLSET_HEAD + b"".join(entry for _, entry in chunk) + _URLSET_TAIL


def _sitemap_index(sitemaps: list[tuple[str, dt.datetime]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"  <sitemap><loc>{_text(loc)}</loc><lastmod>{_stamp(moment)}</lastmod>"
              "</sitemap>" for loc, moment in sitemaps]
    return ("\n".join(lines + ["</sitemapindex>"]) + "\n").encode("utf-8")


def _url(document: WooDocument) -> bytes:
    """One <url>: loc, lastmod and the DiWoo metadata, elements in the XSD's order."""
    handled = dt.datetime.combine(document.approved, dt.time(), dt.timezone.utc)
    lines = [
        "  <url>", f"    <loc>{_text(document.loc)}</loc>",
        f"    <lastmod>{_stamp(document.lastmod)}</lastmod>",
        "    <diwoo:Document>", "      <diwoo:DiWoo>",
        f"        {_term('publisher', document.publisher)}",
        "        <diwoo:titelcollectie>",
        f"          <diwoo:officieleTitel>{_text(document.title)}</diwoo:officieleTitel>",
        "        </diwoo:titelcollectie>",
        "        <diwoo:classificatiecollectie>",
        "          <diwoo:informatiecategorieen>",
        f"            {_term('informatiecategorie', document.category)}",
        "          </diwoo:informatiecategorieen>",
        "          <diwoo:documentsoorten>",
        f"            {_term('documentsoort', document.kind)}",
        "          </diwoo:documentsoorten>",
        "        </diwoo:classificatiecollectie>",
        f"        <diwoo:creatiedatum>{document.created.isoformat()}</diwoo:creatiedatum>",
        f"        {_term('language', LANGUAGES[document.language])}",
        f"        {_term('format', document.format)}",
        "        <diwoo:documenthandelingen>", "          <diwoo:documenthandeling>",
        f"            {_term('soortHandeling', VASTSTELLING)}",
        f"            <diwoo:atTime>{_stamp(handled)}</diwoo:atTime>",
        "          </diwoo:documenthandeling>", "        </diwoo:documenthandelingen>",
        "      </diwoo:DiWoo>", "    </diwoo:Document>", "  </url>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _term(element: str, term: Term) -> str:
    return (f"<diwoo:{element} resource={quoteattr(_clean(term.uri))}>{_text(term.label)}"
            f"</diwoo:{element}>")


def _text(value: str) -> str:
    return escape(_clean(value))


def _clean(value: str) -> str:
    """Without the control characters XML 1.0 cannot carry, even escaped."""
    return NOT_XML.sub("", value)


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    """A lastmod as an aware UTC datetime; a date is its midnight, UTC."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), dt.timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _stamp(value: dt.datetime | dt.date) -> str:
    """W3C datetime: 2024-05-01 for a date, 2024-05-01T09:30:00Z for a moment."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    return _moment(value).strftime("%Y-%m-%dT%H:%M:%SZ")
