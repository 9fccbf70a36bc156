"""The Woo-index output: DiWoo sitemap indexes and sitemaps, checked by structure and by the XSD."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from notulist.render.diwoo import (DIWOO_NS, HTML, INFOCAT_NUMBERS, LANGUAGES, SITEMAP_NS,
                            VASTSTELLING, VERGADERVERSLAG, Term, WooDocument, index_name,
                            woo_index)
from notulist.load.woo import value_lists

BASE = "https://example.org/verslagen/"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "diwoo"
PUBLISHER = Term("https://identifier.overheid.nl/tooi/id/ministerie/mnre1058",
                 "ministerie van Justitie en Veiligheid")
ART_3_1 = Term("https://identifier.overheid.nl/tooi/def/thes/kern/c_816e508d",
               "inspanningsverplichting art 3.1 Woo")
DECENTRAL = Term("https://identifier.overheid.nl/tooi/def/thes/kern/c_db4862c3",
                 "vergaderstukken decentrale overheden")
NS = {"s": SITEMAP_NS, "diwoo": DIWOO_NS}


def minutes(number: int, category: Term = ART_3_1, title: str | None = None) -> WooDocument:
    day = dt.date(2020, 1, 6) + dt.timedelta(days=7 * number)
    return WooDocument(
        loc=f"{BASE}lrt/{day.isoformat()}-{number}/", title=title or f"Verslag overleg {number}",
        lastmod=dt.datetime(2024, 3, 1, 12, 0, number % 60, tzinfo=dt.timezone.utc),
        language="nl" if number % 2 else "en", created=day,
        approved=day + dt.timedelta(days=28), publisher=PUBLISHER, category=category)


def test_each_category_gets_an_index_named_by_its_woo_article_letter():
    index = woo_index([minutes(1), minutes(2, DECENTRAL)], BASE)
    assert sorted(index.files) == [
        "diwoo/sitemap-diwoo-infocat008-1.xml", "diwoo/sitemap-diwoo-infocat018-1.xml",
        "diwoo/sitemapindex-diwoo-infocat008.xml", "diwoo/sitemapindex-diwoo-infocat018.xml"]
    assert index.robots_lines == (f"Sitemap: {BASE}diwoo/sitemapindex-diwoo-infocat008.xml",
                                  f"Sitemap: {BASE}diwoo/sitemapindex-diwoo-infocat018.xml")


def test_every_information_category_of_the_value_list_has_a_number():
    assert set(INFOCAT_NUMBERS) == set(value_lists()["information_category"])
    assert sorted(INFOCAT_NUMBERS.values()) == list(range(1, 19))
    onderzoeksrapporten = "https://identifier.overheid.nl/tooi/def/thes/kern/c_fdaee95e"
    assert index_name(Term(onderzoeksrapporten, "")) == "sitemapindex-diwoo-infocat015.xml"


def test_the_fixed_terms_are_those_of_the_value_lists():
    lists = value_lists()
    assert lists["handling"][VASTSTELLING.uri] == VASTSTELLING.label
    assert lists["document_kind"][VERGADERVERSLAG.uri] == VERGADERVERSLAG.label
    assert lists["format"][HTML.uri] == HTML.label
    assert all(lists["language"][t.uri] == t.label for t in LANGUAGES.values())


def test_a_url_carries_the_metadata_the_harvester_reads():
    document = minutes(3, title="Verslag <LRT> & \"overleg\"\x0b")
    index = woo_index([document], BASE)
    root = ElementTree.fromstring(index.files["diwoo/sitemap-diwoo-infocat018-1.xml"])
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    (url,) = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == document.loc
    assert url.findtext("s:lastmod", namespaces=NS) == "2024-03-01T12:00:03Z"
    diwoo = url.find("diwoo:Document/diwoo:DiWoo", NS)
    assert [child.tag.split("}")[1] for child in diwoo] == [
        "publisher", "titelcollectie", "classificatiecollectie", "creatiedatum", "language",
        "format", "documenthandelingen"]
    assert diwoo.find("diwoo:publisher", NS).attrib == {"resource": PUBLISHER.uri}
    assert diwoo.findtext("diwoo:publisher", namespaces=NS) == PUBLISHER.label
    assert diwoo.findtext("diwoo:titelcollectie/diwoo:officieleTitel",
                          namespaces=NS) == "Verslag <LRT> & \"overleg\""
    category = diwoo.find("diwoo:classificatiecollectie/diwoo:informatiecategorieen/"
                          "diwoo:informatiecategorie", NS)
    assert category.get("resource") == ART_3_1.uri
    kind = diwoo.find("diwoo:classificatiecollectie/diwoo:documentsoorten/diwoo:documentsoort",
                      NS)
    assert kind.get("resource") == VERGADERVERSLAG.uri
    assert diwoo.findtext("diwoo:creatiedatum", namespaces=NS) == document.created.isoformat()
    assert diwoo.find("diwoo:language", NS).get("resource") == LANGUAGES["nl"].uri
    assert diwoo.find("diwoo:format", NS).get("resource") == HTML.uri
    handling = diwoo.find("diwoo:documenthandelingen/diwoo:documenthandeling", NS)
    assert handling.find("diwoo:soortHandeling", NS).get("resource") == VASTSTELLING.uri
    assert handling.findtext("diwoo:atTime",
                             namespaces=NS) == f"{document.approved.isoformat()}T00:00:00Z"


def test_each_document_appears_once_and_the_index_lists_every_sitemap():
    documents = [minutes(n) for n in range(25)]
    index = woo_index(documents, BASE, max_urls=10)
    sitemaps = [p for p in sorted(index.files) if "/sitemap-" in p]
    assert sitemaps == [f"diwoo/sitemap-diwoo-infocat018-{n}.xml" for n in (1, 2, 3)]
    locs = [loc.text for path in sitemaps for loc in
            ElementTree.fromstring(index.files[path]).iterfind("s:url/s:loc", NS)]
    assert locs == sorted(d.loc for d in documents)
    assert [len(ElementTree.fromstring(index.files[p]).findall("s:url", NS))
            for p in sitemaps] == [10, 10, 5]
    listed = ElementTree.fromstring(index.files["diwoo/sitemapindex-diwoo-infocat018.xml"])
    assert listed.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    assert [s.text for s in listed.iterfind("s:sitemap/s:loc", NS)] == [BASE + p for p in
                                                                          sitemaps]


def test_a_sitemap_stays_under_the_byte_limit():
    documents = [minutes(n) for n in range(30)]
    limit = 6_000
    index = woo_index(documents, BASE, max_bytes=limit)
    sitemaps = [data for path, data in index.files.items() if "/sitemap-" in path]
    assert len(sitemaps) > 2 and all(len(data) <= limit for data in sitemaps)
    assert sum(data.count(b"<url>") for data in sitemaps) == 30


def test_robots_lines_name_only_index_files():
    index = woo_index([minutes(n, DECENTRAL if n % 3 else ART_3_1) for n in range(40)], BASE,
                      max_urls=7)
    named = [line.removeprefix(f"Sitemap: {BASE}") for line in index.robots_lines]
    assert named and all(path.startswith("diwoo/sitemapindex-diwoo-infocat") for path in named)
    assert set(named) == {p for p in index.files if "/sitemapindex-" in p}
    assert sum(data.count(b"<url>") for data in index.files.values()) == 40


def test_the_output_does_not_depend_on_the_input_order():
    documents = [minutes(n, DECENTRAL if n % 2 else ART_3_1) for n in range(50)]
    first = woo_index(documents, BASE, max_urls=8)
    again = woo_index(list(reversed(documents)), BASE, max_urls=8)
    assert first == again
    assert list(first.files) == list(again.files)


def test_a_url_twice_is_refused():
    with pytest.raises(ValueError, match="share the URL"):
        woo_index([minutes(1), minutes(1)], BASE)


def test_dates_and_local_times_are_written_in_utc():
    amsterdam = dt.timezone(dt.timedelta(hours=2))
    local = WooDocument(**{**minutes(1).__dict__,
                           "lastmod": dt.datetime(2024, 6, 1, 1, 30, tzinfo=amsterdam)})
    dated = WooDocument(**{**minutes(2).__dict__, "loc": BASE + "b/", "lastmod":
                           dt.date(2024, 5, 30)})
    text = woo_index([local, dated], BASE).files["diwoo/sitemap-diwoo-infocat018-1.xml"]
    assert b"<lastmod>2024-05-31T23:30:00Z</lastmod>" in text
    assert b"<lastmod>2024-05-30</lastmod>" in text
    index = woo_index([local, dated], BASE).files["diwoo/sitemapindex-diwoo-infocat018.xml"]
    assert b"<lastmod>2024-05-31T23:30:00Z</lastmod>" in index


# Validation against the DiWoo XSD 0.9.8 (../shared/reference/diwoo, beside the project).

SITEMAP_STANDIN = """<?xml version="1.0" encoding="UTF-8"?>
<!-- The structure of the sitemap protocol 0.9, written for this test: urlset and sitemapindex,
     with other namespaces (the DiWoo extension) validated strictly inside <url>. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="{sitemap}"
           targetNamespace="{sitemap}" elementFormDefault="qualified">
  <xs:import namespace="{diwoo}" schemaLocation="{diwoo_xsd}"/>
  <xs:simpleType name="location"><xs:restriction base="xs:anyURI">
    <xs:minLength value="12"/><xs:maxLength value="2048"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="moment"><xs:union memberTypes="xs:date xs:dateTime"/></xs:simpleType>
  <xs:element name="urlset"><xs:complexType><xs:sequence>
    <xs:element name="url" maxOccurs="50000"><xs:complexType><xs:sequence>
      <xs:element name="loc" type="location"/>
      <xs:element name="lastmod" type="moment" minOccurs="0"/>
      <xs:any namespace="##other" processContents="strict" minOccurs="0"
              maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:element name="sitemapindex"><xs:complexType><xs:sequence>
    <xs:element name="sitemap" maxOccurs="50000"><xs:complexType><xs:sequence>
      <xs:element name="loc" type="location"/>
      <xs:element name="lastmod" type="moment" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
"""
MDTO_STANDIN = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Stands in for the MDTO schema the DiWoo XSD imports from the network: never used here. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified"
           targetNamespace="https://www.nationaalarchief.nl/mdto">
  <xs:element name="MDTO"/>
</xs:schema>
"""


@pytest.fixture(scope="module")
def diwoo_schema(tmp_path_factory):
    if not (REFERENCE / "diwoo-metadata.xsd").is_file():
        pytest.skip(f"the DiWoo XSD is not at {REFERENCE} (CI has a copy there)")
    xmlschema = pytest.importorskip("xmlschema", reason="pip install -e '.[test]'")
    folder = tmp_path_factory.mktemp("schemas")
    (folder / "mdto.xsd").write_text(MDTO_STANDIN, encoding="utf-8")
    (folder / "sitemap.xsd").write_text(SITEMAP_STANDIN.format(
        sitemap=SITEMAP_NS, diwoo=DIWOO_NS,
        diwoo_xsd=(REFERENCE / "diwoo-metadata.xsd").as_uri()), encoding="utf-8")
    mdto_url = "https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd"
    local = {mdto_url: (folder / "mdto.xsd").as_uri()}
    return xmlschema.XMLSchema(str(folder / "sitemap.xsd"),
                               uri_mapper=lambda uri: local.get(uri, uri))


def assert_valid(schema, index) -> None:
    for path, data in sorted(index.files.items()):
        errors = list(schema.iter_errors(data.decode("utf-8")))
        assert not errors, f"{path}: {errors[0]}"


def test_every_file_validates_against_the_diwoo_xsd(diwoo_schema):
    documents = [minutes(n, DECENTRAL if n % 4 == 0 else ART_3_1, title=f"Verslag & co {n}")
                 for n in range(12)]
    assert_valid(diwoo_schema, woo_index(documents, BASE, max_urls=5))


def test_a_thousand_meetings_validate(diwoo_schema):
    index = woo_index([minutes(n) for n in range(1_000)], BASE)
    assert sum(data.count(b"<url>") for data in index.files.values()) == 1_000
    assert_valid(diwoo_schema, index)


def test_the_xsd_rejects_a_code_outside_the_value_lists(diwoo_schema):
    wrong = WooDocument(**{**minutes(1).__dict__, "publisher": Term(
        "https://identifier.overheid.nl/tooi/id/ministerie/mnre9999", "nobody")})
    data = woo_index([wrong], BASE).files["diwoo/sitemap-diwoo-infocat018-1.xml"]
    assert list(diwoo_schema.iter_errors(data.decode("utf-8")))
