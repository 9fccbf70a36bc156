"""The people pages: /people/ and one page per registered person the audience may see
(public people in the public build, everyone in the members build)."""
from __future__ import annotations

import functools

from .list_pages import action_row


def person_pages(pages) -> dict:
    site = pages.site
    records = sorted(site.people.records.values(), key=lambda r: (r.name.casefold(), r.slug))
    if not records:
        return {}
    files = {"people/index.html": pages.plan("people.html", people=[
        (r.slug, r.name, r.orgs, r.function, len(r.attended)) for r in records])}
    for record in records:
        path = f"people/{record.slug}/"
        inputs = (record, tuple(map(pages.token, record.attended)),
                  tuple(map(pages.action_token, record.actions)))
        files[f"{path}index.html"] = pages.lazy("person.html", inputs, functools.partial(
            _person_context, pages, record, path))
    return files


def _person_context(pages, record, path: str) -> dict:
    config = pages.config
    view = pages.view(path, config.language, None)
    actions = [action_row(pages, key, view) for key in record.actions]
    return {"person": record,
            "organisations": [config.organisations[code] for code in record.orgs
                              if code in config.organisations],
            "attended": [pages.summary(key) for key in reversed(record.attended)],
            "open_actions": [row for row in actions if row["state"].status == "open"],
            "closed_actions": [row for row in actions if row["state"].status != "open"]}
