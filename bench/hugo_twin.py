"""The same meetings as plain Hugo content, for the peer: Hugo, then Pagefind over its output.

The meeting layout marks the minutes for Pagefind as ours does (`data-pagefind-body`, so
the list pages are left out) with the body and the year as filters."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from synthetic_minutes import BASE_URL, BODIES, SITE_TITLE

REFERENCE = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")

HUGO_TOML = f"""baseURL = "{BASE_URL}"
languageCode = "nl"
title = "{SITE_TITLE}"
disableKinds = ["taxonomy", "term"]
"""

LAYOUTS = {
    "_default/single.html": """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main data-pagefind-body><h1>{{ .Title }}</h1>
<span hidden data-pagefind-filter="body:{{ .Section }}"></span>
<span hidden data-pagefind-filter="year:{{ .Date.Year }}"></span>
{{ .Content }}</main></body></html>
""",
    "_default/list.html": """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul></body></html>
""",
    "index.html": """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><h1>{{ .Site.Title }}</h1><ul>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul></body></html>
""",
}


def write_hugo_site(site: Path, hugo: Path) -> None:
    """Mirror site/content/<body>/*.md as Hugo pages under hugo/content/<body>/."""
    if hugo.exists():
        shutil.rmtree(hugo)
    (hugo / "content").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / name).write_text(text, encoding="utf-8")
    for body, (name, short, _) in BODIES.items():
        folder = hugo / "content" / body
        folder.mkdir()
        (folder / "_index.md").write_text(f'---\ntitle: "{name}"\n---\n', encoding="utf-8")
        for meeting in sorted((site / "content" / body).glob("*.md")):
            page = hugo_page(meeting.read_text(encoding="utf-8"), short, meeting.stem)
            (folder / meeting.name).write_text(page, encoding="utf-8")


def hugo_page(minutes: str, short: str, meeting_id: str) -> str:
    """Front matter reduced to title + date; references as plain text; fences dropped."""
    body = minutes.split("\n---\n", 1)[1]
    body = REFERENCE.sub(lambda found: found.group(2) or found.group(1), body)
    body = "\n".join(line for line in body.split("\n") if not line.startswith(":::"))
    front = f'---\ntitle: "Verslag {short} {meeting_id}"\ndate: {meeting_id[:10]}\n---\n'
    return front + body


def twin_page(site: Path, hugo: Path, meeting: Path) -> Path:
    """The twin's page of a meeting of `site`."""
    return hugo / meeting.relative_to(site)


def hugo_command(hugo: Path, output: Path, cold: bool) -> list[str]:
    """A Hugo build into `output`; a cold one ignores the cache if this Hugo can."""
    command = ["hugo", "--quiet", "-s", str(hugo), "-d", str(output)]
    if not cold:
        return command
    usage = subprocess.run(["hugo", "help"], capture_output=True, text=True).stdout
    return command + (["--ignoreCache"] if "--ignoreCache" in usage else [])


def hugo_version() -> str:
    said = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
    return said[1] if len(said) > 1 else "?"
