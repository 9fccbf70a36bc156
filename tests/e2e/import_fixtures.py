"""Old minutes written by the tests themselves: .docx (python-docx), PDF (fpdf2), .txt.

The content is fictional: a regional water board table (Dutch) and a harbour board (English)."""
from __future__ import annotations

import copy
from pathlib import Path

CONFIG = """\
[site]
title = "Archief"
base_url = "https://example.org/archief/"
language = "nl"
search = false

[bodies.wrt]
name = "Waterregietafel Noord"
short = "WRT"

[bodies.hb]
name = "Harbour Board"
short = "HB"
language = "en"

[organisations]
PrvN = "Provincie Noordland"
WSN = "Waterschap Noord"
GemA = "Gemeente Aadorp"
RWS = "Rijkswaterstaat"
HBA = "Harbour Authority"
PO = "Port Operators"
"""

EARLIER = {"content/wrt/2024-01-15.md": "---\ndate: 2024-01-15\n---\n\n## 1. Opening\n\nTekst.\n",
           "content/hb/2024-02-01.md": "---\ndate: 2024-02-01\n---\n\n## 1. Welcome\n\nText.\n"}

HEADER_NL = [("Omschrijving", "Verslag Waterregietafel Noord"),
             ("Vergaderdatum en -tijd", "12 maart 2024, 10:00 - 12:00 uur"),
             ("Vergaderplaats", "Provinciehuis, zaal 3"),
             ("Aanwezig", "Mevr. Doornbos (PrvN, voorzitter), Dhr. Kuipers (WSN), "
                          "Mevr. Van Dalen (Provincie Noordland), Dhr. Smit (RWS), (GemA), "
                          "(WSN), secretariaat")]

ITEMS_NL = [
    ("OPENING EN MEDEDELINGEN", [
        (1, "Het verslag van 15 januari 2024 wordt vastgesteld."),
        (1, "De voorzitter meldt dat de dijkversterking bij Aadorp volgens planning loopt; "
            "de aannemer start in april met het tweede vak van de kering.")]),
    ("STAND VAN ZAKEN WATERPEIL", [
        (1, "WSN licht de peilmetingen van februari toe. Het grondwater staat op meerdere "
            "plaatsen hoger dan het langjarig gemiddelde, vooral in het oostelijk deel van "
            "het gebied."),
        (2, "Actie: WSN deelt de meetreeksen met PrvN, uiterlijk 5 april 2024."),
        (1, "Besluit: de tafel stemt in met het tijdelijk verhogen van de pompcapaciteit.")]),
    ("RONDVRAAG EN SLUITING", [
        (1, "RWS vraagt aandacht voor de vaarwegbeperkingen tijdens de werkzaamheden."),
        (2, "Actie (RWS, GemA): afstemmen over de omleidingsroute.")]),
]


def write_pdf(path: Path, scanned: bool = False) -> Path:
    """The seed's layout: a header table, numbered capital headings in bold, • and o bullets,
    two pages with a running footer."""
    from fpdf import FPDF

    class Minutes(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, f"Waterregietafel Noord - verslag 12 maart 2024 - {self.page_no()}")

    pdf = (FPDF if scanned else Minutes)(format="A4")      # a scan is an image only
    pdf.core_fonts_encoding = "windows-1252"     # Helvetica then has • ´ ë
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    if scanned:
        pdf.image(_scan_image(), x=10, y=10, w=190)
        pdf.output(str(path))
        return path
    pdf.set_font("Helvetica", size=10)
    for label, value in HEADER_NL:
        pdf.set_x(20)
        pdf.cell(50, 6, label)
        pdf.multi_cell(120, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    for number, (title, bullets) in enumerate(ITEMS_NL, 1):
        if number == 3:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, f"{number}. {title}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for level, text in bullets:
            pdf.set_x(20 if level == 1 else 30)
            pdf.cell(6, 6, "•" if level == 1 else "o")
            pdf.multi_cell(95, 6, text, new_x="LMARGIN", new_y="NEXT")   # wraps mid-sentence
            pdf.ln(2)
        pdf.ln(4)
    pdf.output(str(path))
    return path


def write_pdf_english(path: Path) -> Path:
    """Another layout: a large title, `Label: value` lines, unnumbered headings in a larger
    bold font, paragraphs apart by a little space, and an action list."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Harbour Board - minutes", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in ("Date: Thursday 11 April 2024", "Time: 9.30 to 11.00",
                 "Venue: Pilot Station", "Attendees: Ms. Okafor (HBA), Dr. Haddad (RWS), "
                 "Mr. Lindqvist (Port Operators)", "Apologies: Mr. Brennan (HBA)"):
        pdf.multi_cell(170, 5, line, new_x="LMARGIN", new_y="NEXT")
    for title, paragraphs in (
            ("Welcome", ["The chair opened the meeting and welcomed the pilots' "
                         "representative, who attended as a guest for the item on tides.",
                         "The minutes of the previous meeting were approved."]),
            ("Tidal windows", ["RWS reported on the new tidal windows for deep-draught "
                               "vessels, which take effect in May and were agreed with the "
                               "port operators after a trial of six weeks.",
                               "Decision: the board adopts the new tidal windows."]),
            ("Action items", ["HBA: update the port guide, due 1 May 2024.",
                              "inform the shipping agents (Dr. Haddad)"])):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for text in paragraphs:
            if title == "Action items":
                text = "- " + text
            pdf.multi_cell(110, 5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(path))
    return path


def _scan_image():
    from PIL import Image, ImageDraw
    image = Image.new("L", (800, 400), 255)
    ImageDraw.Draw(image).text((40, 40), "Verslag 12 maart 2024 (scan)", fill=0)
    return image


def write_docx(path: Path, author: str = "Jan Geheim") -> Path:
    """Dutch minutes as Word writes them: a header table, Heading 1 items, list styles,
    and an action table under `Actiepunten`."""
    import docx
    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    document.core_properties.comments = "Concern Geheim BV"
    document.add_paragraph("Verslag Waterregietafel Noord", style="Title")
    table = document.add_table(rows=0, cols=2)
    for label, value in HEADER_NL:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for number, (title, bullets) in enumerate(ITEMS_NL, 1):
        document.add_heading(f"{number}. {title}", level=1)
        for level, text in bullets:
            document.add_paragraph(text, style="List Bullet" if level == 1 else "List Bullet 2")
    document.add_heading("4. ACTIEPUNTEN", level=1)
    actions = document.add_table(rows=1, cols=3)
    for cell, text in zip(actions.rows[0].cells, ("Actie", "Wie", "Wanneer")):
        cell.text = text
    for row in (("Bijwerken van het calamiteitenplan", "PrvN", "1 mei 2024"),
                ("Uitnodigen van de buurgemeenten", "GemA", "")):
        for cell, text in zip(actions.add_row().cells, row):
            cell.text = text
    document.save(str(path))
    return path


def add_tracked_insertion(path: Path, text: str) -> Path:
    """python-docx cannot write tracked changes: a w:ins element around a run, by hand."""
    import docx
    from docx.oxml.ns import qn
    document = docx.Document(str(path))
    paragraph = document.add_paragraph("Nagekomen: ")
    run = copy.deepcopy(paragraph.runs[0]._r)
    run.find(qn("w:t")).text = text
    insertion = paragraph._p.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "Piet",
                                                       qn("w:date"): "2024-03-13T09:00:00Z"})
    insertion.append(run)
    paragraph._p.append(insertion)
    deleted = paragraph._p.makeelement(qn("w:del"), {qn("w:id"): "2", qn("w:author"): "Piet"})
    gone = copy.deepcopy(paragraph.runs[0]._r)
    gone.remove(gone.find(qn("w:t")))
    del_text = gone.makeelement(qn("w:delText"), {})
    del_text.text = "geschrapte zin"
    gone.append(del_text)
    deleted.append(gone)
    paragraph._p.append(deleted)
    document.save(str(path))
    return path


def add_comment(path: Path, text: str) -> Path:
    import docx
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Het verslag"))
    document.add_comment(paragraph.runs, text=text, author="Klaas Commentaar")
    document.save(str(path))
    return path


def write_docx_plain(path: Path) -> Path:
    """English minutes typed without heading styles: a bold title, `Label: value` lines,
    bold numbered items, and bullets as list paragraphs with their own numbering levels."""
    import docx
    from docx.oxml.ns import qn
    document = docx.Document()

    def bold(text):
        document.add_paragraph().add_run(text).bold = True

    def bullet(text, level):
        paragraph = document.add_paragraph(text, style="List Paragraph")
        numbering = paragraph._p.get_or_add_pPr().makeelement(qn("w:numPr"), {})
        for tag, value in (("w:ilvl", str(level)), ("w:numId", "1")):
            numbering.append(numbering.makeelement(qn(tag), {qn("w:val"): value}))
        paragraph._p.get_or_add_pPr().append(numbering)

    bold("Harbour Board")
    for line in ("Date: 16 May 2024", "Time: 14:00", "Location: Harbour Office",
                 "Present: Ms. Okafor (HBA), Dr. Haddad (RWS)"):
        document.add_paragraph(line)
    bold("1. Welcome")
    bullet("The chair opened the meeting.", 0)
    bold("2. Berths")
    bullet("PO asked about the state of berth 4.", 0)
    bullet("Action: PO to send the survey, due 30 May 2024.", 1)
    document.save(str(path))
    return path


TEXT_EN = """\
Minutes of the Harbour Board

Date:      4 March 2024
Time:      14:00-15:30
Location:  Harbour Office, room 2
Present:   Ms. Okafor (HBA) (chair), Mr. Lindqvist (Port Operators),
           Dr. Haddad (RWS), (PO)
Regrets:   Mr. Brennan (HBA)

1. WELCOME AND APOLOGIES
• The minutes of 1 February 2024 were approved.
• The chair welcomed the new representative of the port operators, who
joined the board in January.

2. DREDGING PROGRAMME
• HBA presented the dredging schedule for the spring. The outer channel
will be closed for two weekends; pilots will be informed in ad-
vance.
o Action: HBA to publish the closure notice, due 15 March.
• Decision: the board approves the revised schedule.

3. ANY OTHER BUSINESS
• Nothing was raised.
"""


def write_text(path: Path) -> Path:
    path.write_text(TEXT_EN, encoding="utf-8")
    return path
