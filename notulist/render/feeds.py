"""Atom feeds, sitemap and robots.txt: absolute URLs from base_url, dates from the minutes."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..urls import meeting_path
from ..link.site import Site
from .diwoo import WooDocument, woo_index

SITEMAP_LIMIT = 50_000


def feed_files(site: Site, meeting_title) -> dict[str, bytes]:
    files = {"feed.xml": _feed(site, list(site.meetings.values()), "feed.xml",
                               site.config.title, meeting_title)}
    for key, body in site.config.bodies.items():
        meetings = [site.meetings[k] for k in site.by_body[key]]
        files[f"{key}/feed.xml"] = _feed(site, meetings, f"{key}/feed.xml", body.name,
                                         meeting_title)
    files.update(_sitemaps(site))
    robots = [f"Sitemap: {site.config.base_url}sitemap.xml"]
    if site.config.woo and site.audience == "public":
        woo = woo_index(woo_documents(site, meeting_title), site.config.base_url)
        files.update(woo.files)
        robots += woo.robots_lines
    files["robots.txt"] = ("User-agent: *\nAllow: /\n\n" + "\n".join(robots) + "\n").encode()
    return files


def woo_documents(site: Site, meeting_title) -> list[WooDocument]:
    """The meetings of the Woo-index (link.site.woo_dates) as the harvester reads them."""
    woo, documents = site.config.woo, []
    for key, (approved, lastmod) in site.woo.items():
        meeting = site.meetings[key]
        body = site.config.bodies[meeting.body]
        documents.append(WooDocument(
            loc=site.config.base_url + meeting_path(key), lastmod=lastmod,
            title=meeting_title(meeting), language=body.language, created=meeting.date,
            approved=approved, publisher=woo.publisher,
            category=body.woo_category or woo.category, kind=woo.document_kind))
    return documents


def _feed(site: Site, meetings, path: str, title: str, meeting_title) -> bytes:
    base = site.config.base_url
    newest = sorted(meetings, key=lambda m: m.sort_key, reverse=True)[:50]
    updated = f"{newest[0].date.isoformat()}T00:00:00Z" if newest else "1970-01-01T00:00:00Z"
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{site.config.language}">',
             f"  <title>{escape(title)}</title>", f"  <id>{escape(base + path)}</id>",
             f"  <link rel=\"self\" href={quoteattr(base + path)}/>",
             f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(base)}/>",
             f"  <updated>{updated}</updated>",
             f"  <author><name>{escape(site.config.title)}</name></author>"]
    for meeting in newest:
        url = base + meeting_path(meeting.key)
        agenda = "; ".join(i.label for i in meeting.items)
        lines += ["  <entry>", f"    <title>{escape(meeting_title(meeting))}</title>",
                  f"    <id>{escape(url)}</id>", f"    <link href={quoteattr(url)}/>",
                  f"    <updated>{meeting.date.isoformat()}T00:00:00Z</updated>",
                  f"    <summary>{escape(agenda)}</summary>", "  </entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sitemaps(site: Site) -> dict[str, bytes]:
    base = site.config.base_url
    paths = ["", *(f"{b}/" for b in site.config.bodies), "topics/", "actions/",
             "actions/closed/", "decisions/", "organisations/"]
    paths += [meeting_path(m.key) for m in site.meetings.values()]
    paths += [f"topics/{anchor}/" for anchor in site.topics]
    paths += [f"organisations/{o.slug}/" for o in site.config.organisations.values()]
    paths += [f"{page.name}/" for page in site.pages]
    chunks = [paths[i:i + SITEMAP_LIMIT] for i in range(0, len(paths), SITEMAP_LIMIT)]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(base, chunks[0])}
    files = {f"sitemap-{n}.xml": _urlset(base, chunk) for n, chunk in enumerate(chunks, 1)}
    index = ['<?xml version="1.0" encoding="utf-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index += [f"  <sitemap><loc>{escape(base)}sitemap-{n}.xml</loc></sitemap>"
              for n in range(1, len(chunks) + 1)]
    files["sitemap.xml"] = ("\n".join(index + ["</sitemapindex>"]) + "\n").encode()
    return files


def _urlset(base: str, paths: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(base + path)}</loc></url>" for path in paths]
    return ("\n".join(lines + ["</urlset>"]) + "\n").encode()
