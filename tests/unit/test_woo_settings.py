"""The [woo] table: codes checked against the DiWoo value lists, problems at path:line."""
from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

from notulist.load.config import find_line
from notulist.render.diwoo import VERGADERVERSLAG, Term
from notulist.load.woo import (LISTS_PATH, WooSettings, check_woo_base_url,
                                   check_woo_category, check_woo_settings)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "diwoo" / "diwoo-metadata-lijsten.xsd"
JENV = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1058"
ART_3_1 = "https://identifier.overheid.nl/tooi/def/thes/kern/c_816e508d"


def check(text: str):
    """The [woo] table of a config text, checked as config loading does it."""
    raw = tomllib.loads(text).get("woo", {})
    settings, problems = check_woo_settings("config.toml", raw,
                                            lambda key: find_line(text, "woo", key))
    return settings, [p.format() for p in problems]


def woo(*lines: str) -> str:
    return "[site]\ntitle = \"t\"\n\n[woo]\n" + "\n".join(lines) + "\n"


def test_a_valid_table_gives_the_terms_with_their_labels():
    settings, problems = check(woo(f'publisher = "{JENV}"',
                                   'publisher_name = "Ministerie van Justitie en  Veiligheid"',
                                   f'category = "{ART_3_1}"'))
    assert problems == []
    assert settings == WooSettings(
        publisher=Term(JENV, "Ministerie van Justitie en  Veiligheid"),
        category=Term(ART_3_1, "inspanningsverplichting art 3.1 Woo"),
        document_kind=VERGADERVERSLAG)


def test_the_publisher_name_defaults_to_the_value_list_label():
    settings, _ = check(woo(f'publisher = "{JENV}"', f'category = "{ART_3_1}"'))
    assert settings.publisher == Term(JENV, "ministerie van Justitie en Veiligheid")


def test_a_publisher_name_unlike_the_list_is_a_warning():
    settings, problems = check(woo(f'publisher = "{JENV}"', 'publisher_name = "Gemeente X"',
                                   f'category = "{ART_3_1}"'))
    assert settings.publisher.label == "Gemeente X"
    assert problems == [
        "config.toml:6: warning: publisher_name 'Gemeente X' differs from the value list's "
        f"name 'ministerie van Justitie en Veiligheid' for {JENV} — the index shows "
        "'Gemeente X'; check it is the same organisation"]


def test_codes_outside_the_value_lists_are_errors_naming_the_code():
    settings, problems = check(woo(
        'publisher = "https://identifier.overheid.nl/tooi/id/ministerie/mnre0000"',
        'category = "https://identifier.overheid.nl/tooi/def/thes/kern/c_42e406dd"',
        'document_kind = "https://identifier.overheid.nl/tooi/def/thes/kern/c_816e508d"'))
    assert settings is None
    assert problems == [
        "config.toml:5: 'https://identifier.overheid.nl/tooi/id/ministerie/mnre0000' is not "
        "in the DiWoo value list of organisations — use the TOOI URI of your organisation, "
        f"like {JENV} (look it up at organisaties.overheid.nl or in the value lists)",
        "config.toml:6: 'https://identifier.overheid.nl/tooi/def/thes/kern/c_42e406dd' is not "
        "in the DiWoo value list of information categories — use a TOOI information "
        f"category, like {ART_3_1} (inspanningsverplichting art 3.1 Woo)",
        f"config.toml:7: '{ART_3_1}' is not in the DiWoo value list of document kinds — "
        f"leave document_kind out for {VERGADERVERSLAG.uri} (vergaderverslag), or use "
        "another TOOI document kind"]


def test_a_bare_code_is_taken_with_a_warning():
    settings, problems = check(woo('publisher = "mnre1058"', 'category = "c_816e508d"'))
    assert settings.publisher.uri == JENV and settings.category.uri == ART_3_1
    assert problems == [
        f"config.toml:5: warning: 'mnre1058' is taken as {JENV} — write the full URI",
        f"config.toml:6: warning: 'c_816e508d' is taken as {ART_3_1} — write the full URI"]


def test_unknown_keys_wrong_types_and_missing_keys_are_errors():
    settings, problems = check(woo('publishr = "x"', "category = 3"))
    assert settings is None
    assert problems == [
        "config.toml:5: unknown key `publishr` in [woo] — allowed: publisher, "
        "publisher_name, category, document_kind",
        "config.toml:6: `category` in [woo] must be text in quotes",
        "config.toml:4: [woo] needs `publisher = \"https://identifier.overheid.nl/tooi/id/…\"` "
        "— add it"]


def test_another_document_kind_of_the_list_is_taken():
    lists = json.loads(LISTS_PATH.read_text(encoding="utf-8"))["lists"]
    kind = next(uri for uri in sorted(lists["document_kind"]) if uri != VERGADERVERSLAG.uri)
    settings, problems = check(woo(f'publisher = "{JENV}"', f'category = "{ART_3_1}"',
                                   f'document_kind = "{kind}"'))
    assert problems == [] and settings.document_kind == Term(kind, lists["document_kind"][kind])


def test_a_body_category_is_checked_on_its_own_line():
    term, problems = check_woo_category("config.toml", ART_3_1, 12)
    assert term == Term(ART_3_1, "inspanningsverplichting art 3.1 Woo") and problems == []
    term, problems = check_woo_category("config.toml", "c_nothing", 12)
    assert term is None
    assert [p.format() for p in problems][0].startswith(
        "config.toml:12: 'c_nothing' is not in the DiWoo value list of information categories")


def test_the_woo_index_needs_an_https_base_url():
    assert check_woo_base_url("config.toml", "https://example.org/", 3) == []
    (problem,) = check_woo_base_url("config.toml", "http://example.org/", 3)
    assert problem.format() == ("config.toml:3: the Woo-index only reads https addresses — "
                                "make base_url start with https:// or remove the [woo] table")


def test_the_shipped_lists_are_those_of_the_reference_xsd():
    if not REFERENCE.is_file():
        pytest.skip(f"the DiWoo value lists are not at {REFERENCE} (CI has a copy there)")
    spec = importlib.util.spec_from_file_location("extract", ROOT / "tools" /
                                                  "extract_diwoo_lists.py")
    extract = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extract)
    shipped = json.loads(LISTS_PATH.read_text(encoding="utf-8"))
    assert extract.extract_lists(REFERENCE) == shipped
    assert shipped["source"].startswith("diwoo-metadata-lijsten.xsd version 0.9.8")
