"""Unit tests of the link stage: a Site made of plain meetings, no disk but the inline site."""
from __future__ import annotations

from notulist.incremental.parse_cache import model
from notulist.incremental.store import Store
from notulist.link import link
from notulist.pipeline import configure

A = "---\ndate: 2024-01-10\n---\n## 1. Opvang {#opvang}\n\n- Actie: JenV belt.\n"
B = ("---\ndate: 2024-02-10\napproves: 2024-01-10\n---\n## 1. Opvang {#opvang}\n\n"
     "- Zie [[2024-01-10#opvang]] en [[topic:opvang]].\n- Stand: [[2024-01-10#A1]] loopt.\n"
     "\n::: members\n- Zie ook [[2024-01-10]].\n:::\n")
C = "---\ndate: 2024-03-10\naudience: members\n---\n## 1. Geheim {#geheim}\n\n[[2024-02-10]]\n"


def linked(site, audience):
    config_path = site({"content/lrt/2024-01-10.md": A, "content/lrt/2024-02-10.md": B,
                        "content/lrt/2024-03-10.md": C})
    config = configure(config_path)
    archive, problems = model(config, Store(None, config_path.parent / "output"))
    result, link_problems = link(archive, config, audience)
    assert problems + link_problems == []
    return result


def test_link_computes_topics_approvals_backlinks_and_register(site):
    result = linked(site, "members")
    assert result.topics == {"geheim": (("lrt/2024-03-10", "geheim"),),
                             "opvang": (("lrt/2024-01-10", "opvang"), ("lrt/2024-02-10", "opvang"))}
    assert result.approved_in == {"lrt/2024-01-10": "lrt/2024-02-10"}
    assert [b.meeting for b in result.backlinks["lrt/2024-01-10"]] == ["lrt/2024-02-10"]
    assert [b.meeting for b in result.backlinks["topic:opvang"]] == ["lrt/2024-02-10"]
    state = result.register.states["lrt/2024-01-10#A1"]
    assert (state.status, [u.meeting for u in state.updates], state.age) == (
        "open", ["lrt/2024-02-10"], 2)


def test_public_view_drops_members_meetings_and_blocks(site):
    result = linked(site, "public")
    assert list(result.meetings) == ["lrt/2024-01-10", "lrt/2024-02-10"]
    assert "topic:geheim" not in result.targets and "lrt/2024-03-10" in result.hidden
    # the backlink from inside the members block is gone; the one from the item stays
    assert [(b.meeting, b.item) for b in result.backlinks["lrt/2024-01-10"]] == [
        ("lrt/2024-02-10", "opvang")]
    assert "lrt/2024-02-10" not in result.backlinks          # only the members meeting refers
    assert result.register.states["lrt/2024-01-10#A1"].age == 1
