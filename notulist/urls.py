"""Site paths and the links between them: one helper per kind of page."""
from __future__ import annotations


def meeting_path(key: str) -> str:
    """The page of the meeting `lrt/2023-09-22` is at `lrt/2023-09-22/` (SPEC: URLs)."""
    return f"{key}/"


def meeting_file(key: str) -> str:
    """The output file of a meeting's page."""
    return f"{meeting_path(key)}index.html"


def relative_url(page: str, target: str) -> str:
    """A link from the page at `page` to `target`, both site paths; works from any sub-path."""
    target_path, hash_, fragment = target.partition("#")
    if target_path == page and hash_:
        return f"#{fragment}"
    if target_path == "" or target_path.endswith("/"):
        target_path += "index.html"
    return "../" * page.count("/") + target_path + (f"#{fragment}" if hash_ else "")
