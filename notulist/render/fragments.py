"""Placeholders in cached HTML become links, markers and withheld notices for one audience."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..i18n import format_date, translate
from ..urls import meeting_path, relative_url
from ..link.site import Site
from ..model.markup import PLACEHOLDER
from ..model.records import Meeting, Page


@dataclass(frozen=True)
class View:
    """Where a fragment is shown: the page's own path, its language, its body."""
    site: Site
    path: str                       # site path of the page, like "lrt/2023-09-22/"
    language: str
    body: str | None                # the body of the page, for short reference labels

    def url(self, target: str) -> str:
        return relative_url(self.path, target)


def resolve(html: str, source: Meeting | Page, view: View) -> Markup:
    """Fill the placeholders of one cached fragment."""
    if "\ufdd0" not in html:
        return Markup(html)
    return Markup(PLACEHOLDER.sub(lambda m: _fill(m.group(1), int(m.group(2)), source, view),
                                  html))


def _fill(kind: str, index: int, source, view: View) -> str:
    """The HTML for one placeholder. Built here, not in a template: there are thousands."""
    language = view.language
    if kind == "R":
        found = source.references[index]
        return reference(found.target, found.label, view)
    if kind == "M":
        block = source.blocks[index]
        ground = f" ({escape(translate(language, 'ground'))}: {escape(block.ground)})" \
            if block.ground else ""
        if view.site.audience == "members":
            return (f'<div class="members-only"><p class="members-label">'
                    f'{escape(translate(language, "Members only"))}{ground}</p>\n'
                    f'{resolve(block.html, source, view)}</div>')
        return (f'<p class="withheld" role="note">'
                f'{escape(translate(language, "Passage withheld"))}{ground}</p>')
    if kind == "A":
        return action_marker(source.actions[index], view)
    if kind == "D":
        decision = source.decisions[index]
        return (f'<span class="mark mark-decision" id="{decision.number}"><span class='
                f'"mark-label">{escape(translate(language, "Decision"))} {decision.number}'
                f'</span></span>')
    update = source.updates[index]
    label = escape(translate(language, UPDATE_LABELS[update.kind]))
    return (f'<span class="mark mark-update update-{update.kind}"><span class="mark-label">'
            f'{label}</span></span>')


UPDATE_LABELS = {"done": "Done", "dropped": "Dropped", "update": "Update"}


def reference(target: str, label: str | None, view: View) -> str:
    found = view.site.targets.get(target)
    if found is None:                # exists only for members: the key, no text, no link
        return f'<span class="ref ref-withheld">{escape(target)}</span>'
    href = view.url(found.path + (f"#{found.fragment}" if found.fragment else ""))
    text = escape(label) if label else target_label(target, view)
    return f'<a class="ref ref-{found.kind}" href="{escape(href)}">{text}</a>'


def target_label(target: str, view: View) -> Markup:
    """A label made from the target; its words from another body keep their own language."""
    site, language = view.site, view.language
    found = site.targets[target]
    if found.kind == "topic":
        anchor = target[len("topic:"):]
        return in_language(*site.topic_names[anchor], language)
    meeting = site.meetings[found.meeting]
    label = meeting_label(meeting, view)
    if found.kind == "item":
        item = next(i for i in meeting.items if i.anchor == found.fragment)
        title = in_language(item.title, site.config.bodies[meeting.body].language, language)
        if item.number is None:
            return Markup("{}: {}").format(label, title)
        return Markup(escape(translate(language, "%(meeting)s, item %(number)s: %(title)s"))) \
            % {"meeting": label, "number": item.number, "title": title}
    if found.kind in ("action", "decision"):
        message = "action %(number)s of %(meeting)s" if found.kind == "action" \
            else "decision %(number)s of %(meeting)s"
        return escape(translate(language, message, number=found.fragment, meeting=label))
    return escape(label)


def in_language(text: str, text_language: str, page_language: str) -> Markup:
    """Escaped text, marked with its language when the page is in another (WCAG 3.1.2)."""
    if text_language == page_language:
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(text_language, text)


def meeting_label(meeting: Meeting, view: View) -> str:
    """The date, with the body's short name when the page is about another body."""
    date = format_date(meeting.date, view.language)
    suffix = f" ({meeting.id[11:]})" if len(meeting.id) > 10 and meeting.id[:10] == \
        meeting.date.isoformat() else ""
    if meeting.body == view.body:
        return date + suffix
    return f"{view.site.config.bodies[meeting.body].short} {date}{suffix}"


def action_marker(action, view: View) -> str:
    site = view.site
    state = site.register.states[action.key]
    status = escape(status_text(state, view))
    closed = site.meetings.get(state.closed_in) if state.closed_in else None
    if closed:
        status = f'<a href="{escape(view.url(meeting_path(closed.key)))}">{status}</a>'
    owners = f' <span class="owners">{escape(owners_text(action))}:</span>' \
        if action.owners_written else ""
    return (f'<span class="mark mark-action status-{state.status}" id="{action.number}">'
            f'<span class="mark-label">{escape(translate(view.language, "Action"))} '
            f'{action.number}</span> <span class="mark-status">{status}</span></span>{owners}')


def status_text(state, view: View) -> str:
    if state.status == "open":
        return translate(view.language, "open")
    message = "done in %(meeting)s" if state.status == "done" else "dropped in %(meeting)s"
    closed = view.site.meetings.get(state.closed_in)
    label = meeting_label(closed, view) if closed else state.closed_in
    return translate(view.language, message, meeting=label)


def owners_text(action) -> str:
    names = []
    for owner in action.owners:
        if owner.name and owner.org:
            names.append(f"{owner.name} ({owner.org})")
        else:
            names.append(owner.name or owner.org)
    return ", ".join(names)
