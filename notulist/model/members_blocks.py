"""Finding the members blocks in the tokens of a body: the line ranges of the real ones, and
a path:line problem for every other line that looks like a fence (never silently public)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..problems import error

if TYPE_CHECKING:
    from .minutes_text import Context, Reading

FENCE_LIKE = re.compile(r"^[\s\u00ad\u200b-\u200f\u2060\ufeff]*:::")
CLOSING_FENCE = re.compile(r"^[ \t]*:{3,}[ \t]*$")
MEMBERS_IN_CODE = re.compile(r"^\W{0,3}:{3,}\s*members\b", re.IGNORECASE)
IN_CODE = "this `::: members` line is inside a code block (a line of ``` or ~~~ above opens " \
          "one), so the passage would be published as code — close the code block before " \
          "it, replace that line of ~~~ or ``` by *** or ---, or, to show the syntax, give " \
          "the code block a language: ```markdown"
INDENTED = "this `:::` line is no fence: it is indented, in a list or quote, or has an " \
           "invisible character in front — start `::: members` and its closing `:::` at " \
           "the very beginning of a line"


@dataclass
class MembersText:
    ground: str | None
    line: int                       # of the `::: members` line
    html: str = ""



def members_ranges(tokens, text, first_line, context, reading) -> list[tuple[int, int]]:
    """The line ranges of the members blocks; every other `:::` line is reported."""
    ranges, lines, problems, path = [], text.split("\n"), reading.problems, context.path
    depth = 0
    for token in tokens:
        if token.type == "container_block_close":
            depth -= 1
            continue
        if token.type in ("inline", "code_block", "html_block") and ":::" in token.content:
            for offset, content in enumerate(token.content.split("\n")):
                if FENCE_LIKE.match(content):
                    problems.append(error(path, first_line + token.map[0] + offset, INDENTED))
        if token.type == "fence" and context.body and not token.info.strip() \
                and ":::" in token.content:
            _members_in_code(token, first_line, context, reading)
        if token.type != "container_block_open":
            continue
        depth += 1
        line, (start, end) = first_line + token.map[0], token.map
        name, _, ground = token.info.strip().partition(" ")
        if depth > 1 and name == "members":
            problems.append(error(path, line, "a `::: members` block cannot start inside "
                                  "another — close the first with `:::`"))
        elif token.level > 0 and depth == 1:
            problems.append(error(path, line, INDENTED))
        elif not name:
            problems.append(error(path, line, "`:::` closes nothing — remove it or open the "
                                  "block with `::: members`"))
        elif name != "members":
            hint = "write it in lower case, `::: members`" if name.lower() == "members" \
                else "the only block is `::: members [ground]`"
            problems.append(error(path, line, f"unknown block `::: {name}` — {hint}"))
        elif end >= len(lines) or not CLOSING_FENCE.match(lines[end]):
            problems.append(error(path, line, "this `::: members` block is never closed — "
                                  "add a line `:::`"))
        elif depth == 1:
            ranges.append((start, end + 1))      # the map ends before the closing line
            reading.blocks.append(MembersText(ground.strip() or None, line))
    return ranges


def _members_in_code(token, first_line: int, context: Context, reading: Reading) -> None:
    """A members fence inside a fenced code block would be published as code: a line of
    `~~~~` or three backticks (a separator, a paste) opens one as GitHub shows it. A code
    block with a language (```markdown) shows the syntax on purpose."""
    for offset, content in enumerate(token.content.split("\n")):
        if MEMBERS_IN_CODE.match(content):
            reading.problems.append(error(
                context.path, first_line + token.map[0] + 1 + offset, IN_CODE))
