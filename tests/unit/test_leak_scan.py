"""The leak scan's pattern: only the names a file can hold are looked for in it."""
from __future__ import annotations

from pathlib import Path

from notulist.link.people import Needle
from notulist.names import normalised
from notulist.write.leak_scan import LeakScan, readings


def scan_of(*forms: str, public=()) -> LeakScan:
    return LeakScan([Needle(form, form, "5.1.2e", n) for n, form in enumerate(forms, 1)],
                    lambda output: [], Path("config.toml"), list(public))


def test_a_file_is_matched_against_the_names_whose_words_it_holds():
    scan = scan_of("Piet Quaedvlieg", "Anna de Wit", "Jan Vos", public=["Kees Quaedvlieg"])
    text = "kees quaedvlieg en piet quaedvlieg"
    looked_for = {scan.forms[int(name[1:])] for name in scan._pattern_for(text).groupindex}
    assert looked_for == {"Kees Quaedvlieg", "Piet Quaedvlieg"}


def test_the_names_found_are_those_of_the_whole_pattern():
    scan = scan_of("Piet Quaedvlieg", "Anna de Wit", "Jan Vos", public=["Kees Quaedvlieg"])
    pages = [b"<p>Kees Quaedvlieg, Anna de Wit</p>", b"<p>Jan Vosch en Piet Quaedvlieg</p>",
             b"<p>JAN  VOS</p>", b"<p>vos</p>"]
    for page in pages:
        text = "\n".join(normalised(reading) for reading in readings("p.html", page))
        whole = {scan.forms[int(match.lastgroup[1:])]
                 for match in scan.pattern.finditer(text)} - {"Kees Quaedvlieg"}
        assert set(scan.found_in("p.html", page)) == whole
    assert [scan.found_in("p.html", page) for page in pages] == [
        ["Anna de Wit"], ["Piet Quaedvlieg"], ["Jan Vos"], []]
