"""Unit tests of the write stage: the spare, the swap, the lock, refused paths."""
from __future__ import annotations

import pytest

from notulist.digests import digest
from notulist.incremental.store import Store
from notulist.write.output import scratch, staged
from notulist.write.spare import UnsafePath, locked, safe_path


@pytest.mark.parametrize("path", ["../x", "/abs", "a/../b", "a\\b", "", "a//b", "./a", "a/\0"])
def test_unsafe_output_paths_are_refused(path):
    with pytest.raises(UnsafePath):
        safe_path(path)


def write_site(manifest: dict[str, str], fresh, out, cache) -> int:
    """The write stage as the pipeline drives it: the files of `fresh` staged, the rest of
    `manifest` kept from the output, swapped in; how many files were written."""
    store = Store(cache, out.resolve())
    with locked(store.output), staged(store, dict(manifest), False) as staging:
        if staging is None:
            return 0
        for path, data in fresh:
            staging.put(path, data)
        staging.keep_the_rest()
    return staging.written


def put(files: dict[str, bytes], out, manifest) -> int:
    return write_site({p: digest(b) for p, b in files.items()}, files.items(), out, manifest)


def test_write_swaps_atomically_links_unchanged_and_removes_stale(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    put({"a/index.html": b"A", "b.txt": b"B"}, out, manifest)
    inode = (out / "a/index.html").stat().st_ino
    assert put({"a/index.html": b"A", "b.txt": b"B"}, out, manifest) == 0
    assert put({"a/index.html": b"A", "c.txt": b"C"}, out, manifest) == 1
    assert (out / "a/index.html").stat().st_ino == inode     # unchanged: linked, not written
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["c.txt", "index.html"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    assert [p.name for p in scratch(Store(manifest, out), "x").parent.iterdir()] == ["spare"]


def files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_previous_output_is_kept_as_the_spare_the_next_build_is_made_in(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    spare = scratch(Store(manifest, out.resolve()), "spare")
    put({"a/index.html": b"A", "b.txt": b"B", "old/x.txt": b"X"}, out, manifest)
    put({"a/index.html": b"A", "b.txt": b"B2"}, out, manifest)
    assert files(spare) == {"a/index.html": b"A", "b.txt": b"B", "old/x.txt": b"X"}
    assert files(out) == {"a/index.html": b"A", "b.txt": b"B2"}
    spare_folder = spare.stat().st_ino
    assert put({"a/index.html": b"A2", "b.txt": b"B2", "c.txt": b"C"}, out, manifest) == 2
    assert out.stat().st_ino == spare_folder            # made in the spare, swapped in
    assert files(out) == {"a/index.html": b"A2", "b.txt": b"B2", "c.txt": b"C"}
    assert not (out / "old").exists()                   # removed with the folder it was in
    assert files(spare) == {"a/index.html": b"A", "b.txt": b"B2"}   # the output before


def test_the_spare_is_checked_against_its_record(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    spare = scratch(Store(manifest, out.resolve()), "spare")
    put({"a.txt": b"A", "b.txt": b"B"}, out, manifest)
    put({"a.txt": b"A", "b.txt": b"B2"}, out, manifest)
    (spare / "stray.txt").write_bytes(b"not part of any site")
    (spare / "a.txt").unlink()
    put({"a.txt": b"A", "b.txt": b"B3"}, out, manifest)
    assert files(out) == {"a.txt": b"A", "b.txt": b"B3"}


def test_two_builds_at_once_take_turns(tmp_path):
    """`serve` in one terminal, a build in another: one at a time changes the spare."""
    import threading
    out, manifest = tmp_path / "out", tmp_path / "cache"
    spare = scratch(Store(manifest, out.resolve()), "spare")
    put({"a.txt": b"A"}, out, manifest)
    put({"a.txt": b"A2"}, out, manifest)
    inside, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def slow():
        yield "a.txt", b"first"
        inside.set()
        release.wait(10)
        yield "b.txt", b"B"

    def second():
        put({"a.txt": b"second"}, out, manifest)
        second_done.set()
    first = threading.Thread(target=write_site, args=(
        {"a.txt": digest(b"first"), "b.txt": digest(b"B")}, slow(), out, manifest))
    first.start()
    assert inside.wait(10)
    other = threading.Thread(target=second)
    other.start()
    assert not second_done.wait(0.5)        # it waits for the first to swap
    release.set()
    first.join(10)
    other.join(10)
    assert files(out) == {"a.txt": b"second"}
    assert files(spare) == {"a.txt": b"first", "b.txt": b"B"}


def test_a_file_may_become_a_folder_and_a_folder_a_file(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    sites = [{"x": b"file", "y/z.txt": b"Z", "k.txt": b"1"},
             {"x/index.html": b"folder", "y": b"file now", "k.txt": b"2"},
             {"x": b"file again", "y/z.txt": b"Z", "k.txt": b"3"},
             {"x/index.html": b"folder", "y": b"file now", "k.txt": b"4"}]
    for site in sites:
        put(site, out, manifest)
        assert files(out) == site


def test_a_page_left_unrendered_is_linked_from_the_previous_output(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    write_site({"p/index.html": "page:1", "d.json": digest(b"1")},
               [("p/index.html", b"<p>1</p>"), ("d.json", b"1")], out, manifest)
    assert write_site({"p/index.html": "page:1", "d.json": digest(b"2")}, [("d.json", b"2")],
                      out, manifest) == 1
    assert (out / "p/index.html").read_bytes() == b"<p>1</p>"


def test_a_failure_while_writing_leaves_the_output_untouched(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    put({"a.txt": b"A"}, out, manifest)

    def failing():
        yield "a.txt", b"B"
        raise RuntimeError("template broke halfway")

    with pytest.raises(RuntimeError):
        write_site({"a.txt": digest(b"B")}, failing(), out, manifest)
    assert (out / "a.txt").read_bytes() == b"A"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_failure_while_writing_in_the_spare_leaves_the_output_untouched(tmp_path):
    """The spare shares the files that did not change with the output (hard links): a
    changed file is made anew, never written into, and a failed build drops the spare."""
    out, manifest = tmp_path / "out", tmp_path / "cache"
    put({"a.txt": b"A", "b.txt": b"B"}, out, manifest)
    put({"a.txt": b"A", "b.txt": b"B2"}, out, manifest)     # a.txt: one file in both

    def failing():
        yield "a.txt", b"A changed"
        raise RuntimeError("template broke halfway")

    with pytest.raises(RuntimeError):
        write_site({"a.txt": digest(b"A changed"), "b.txt": digest(b"B2")}, failing(), out,
                   manifest)
    assert files(out) == {"a.txt": b"A", "b.txt": b"B2"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    put({"a.txt": b"A3", "b.txt": b"B2"}, out, manifest)
    assert files(out) == {"a.txt": b"A3", "b.txt": b"B2"}


def test_a_file_the_spare_shares_with_the_output_is_replaced_not_written_into(tmp_path):
    out, manifest = tmp_path / "out", tmp_path / "cache"
    spare = scratch(Store(manifest, out.resolve()), "spare")
    put({"a.txt": b"A"}, out, manifest)
    put({"a.txt": b"A", "b.txt": b"B"}, out, manifest)
    assert (spare / "a.txt").stat().st_ino == (out / "a.txt").stat().st_ino   # one file
    put({"a.txt": b"A2", "b.txt": b"B"}, out, manifest)
    assert files(out) == {"a.txt": b"A2", "b.txt": b"B"}
    assert files(spare)["a.txt"] == b"A"                # the output before, untouched


def test_each_folder_of_the_new_site_is_made_once(tmp_path, monkeypatch):
    import os
    again, mkdir = [], os.mkdir

    def counted_mkdir(path, *args, **kwargs):
        try:
            return mkdir(path, *args, **kwargs)
        except FileExistsError:
            again.append(str(path))     # asked to make a folder that was there
            raise
    monkeypatch.setattr(os, "mkdir", counted_mkdir)
    pages = {f"lrt/2024-0{n}-01/index.html": b"<p>page</p>" for n in range(1, 8)}
    put({**pages, "lrt/index.html": b"body", "lrt/x.json": b"{}"}, tmp_path / "out",
        tmp_path / "cache")
    assert [path for path in again if "lrt" in path] == []


def test_bytes_of_a_file_that_stays_are_linked_and_written_when_it_is_gone(tmp_path):
    from notulist.write.spare import FileBytes
    made = tmp_path / "cache" / "pagefind-made.pf_fragment"
    made.parent.mkdir()
    made.write_bytes(b"fragment")
    out, cache = tmp_path / "out", tmp_path / "cache"
    put({"pagefind/a.pf_fragment": FileBytes(b"fragment", str(made))}, out, cache)
    assert (out / "pagefind/a.pf_fragment").stat().st_ino == made.stat().st_ino
    made.unlink()
    put({"pagefind/b.pf_fragment": FileBytes(b"other", str(made))}, out, cache)
    assert (out / "pagefind/b.pf_fragment").read_bytes() == b"other"
