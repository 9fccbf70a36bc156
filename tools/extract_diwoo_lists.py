"""Writes notulist/load/diwoo-lists.json from the DiWoo value lists XSD (diwoo-metadata-lijsten.xsd).

The build cannot read the reference folder, so the codes `check` tests the [woo] table against
ship inside the package. Run this again when a new DiWoo version is adopted, and commit both:

    python3 tools/extract_diwoo_lists.py [path/to/diwoo-metadata-lijsten.xsd]
"""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "diwoo" / "diwoo-metadata-lijsten.xsd"
TARGET = ROOT / "notulist" / "load" / "diwoo-lists.json"
XS = "{http://www.w3.org/2001/XMLSchema}"
DITA = "{http://dita.oasis-open.org/architecture/2005/}"
# Our name for each list -> the simpleTypes of the XSD that make it up.
LISTS = {
    "organisation": ("collijst", "gemeentelijst", "ministerielijst", "provincielijst",
                     "oorglijst", "solijst", "waterschapslijst", "zbolijst"),
    "information_category": ("informatiecategorielijst",),
    "document_kind": ("documentsoortlijst",),
    "handling": ("soorthandelinglijst",),
    "language": ("taallijst",),
    "format": ("formatlijst",),
}


def extract_lists(source: Path) -> dict:
    """{"source": …, "lists": {name: {uri: label}}}: every value list the config is checked on."""
    schema = ElementTree.parse(source).getroot()
    types = {t.get("name"): t for t in schema.iter(f"{XS}simpleType") if t.get("name")}
    lists = {}
    for name, type_names in LISTS.items():
        terms = {}
        for type_name in type_names:
            for value in types[type_name].iter(f"{XS}enumeration"):
                terms[value.get("value")] = _label(value)
        lists[name] = dict(sorted(terms.items()))
    return {"source": _source_note(schema, source), "lists": lists}


def _label(enumeration) -> str:
    """The first paragraph of an enumeration's documentation: the list's label for the term."""
    paragraph = next(enumeration.iter(f"{DITA}p"), None)
    return " ".join((paragraph.text or "").split()) if paragraph is not None else ""


def _source_note(schema, source: Path) -> str:
    notes = [" ".join("".join(li.itertext()).split()) for li in schema.iter(f"{DITA}li")]
    generated = next((n for n in notes if n.startswith("gegenereerd op")), "")
    return f"{source.name} version {schema.get('version')}, {generated}".rstrip(", ")


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        print(f"{source}: not found — pass the path of diwoo-metadata-lijsten.xsd",
              file=sys.stderr)
        return 1
    text = json.dumps(extract_lists(source), ensure_ascii=False, indent=1, sort_keys=True)
    TARGET.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
