#!/usr/bin/env python3
"""Time `build.py import` of N two-page minutes (PDF in the seed's layout, or .docx); prints.

    python bench/import_bench.py [--n 100] [--format pdf|docx] [--keep DIR]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import import_fixtures as fixtures      # noqa: E402  the tests' site and header layout

WORDS = ("de tafel bespreekt het peilbesluit en de gevolgen voor de polders waarbij het "
         "waterschap de metingen toelicht en de provincie aandacht vraagt voor de planning "
         "van de werkzaamheden in het voorjaar zodat gemeenten tijdig kunnen handelen").split()
ORGS = ("PrvN", "WSN", "GemA", "RWS")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"{rng.choice(ORGS)} {text}."


def agenda(rng: random.Random) -> list[tuple[str, list[tuple[int, str]]]]:
    titles = ("OPENING EN MEDEDELINGEN", "STAND VAN ZAKEN WATERPEIL", "DIJKVERSTERKING",
              "ZOETWATERVOORZIENING", "COMMUNICATIE", "RONDVRAAG EN SLUITING")
    items = []
    for title in titles:
        bullets = [(1, sentence(rng, rng.randint(25, 45))) for _ in range(3)]
        bullets.append((2, f"Actie: {rng.choice(ORGS)} werkt het voorstel uit, uiterlijk "
                           f"{rng.randint(1, 28)} juni 2024."))
        items.append((title, bullets))
    return items


def write_pdf(path: Path, date: dt.date, rng: random.Random) -> None:
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    header = [(label, value) for label, value in fixtures.HEADER_NL]
    header[1] = ("Vergaderdatum en -tijd", f"{date.day} {MONTHS[date.month - 1]} {date.year}, "
                 "10:00 uur")
    for label, value in header:
        pdf.set_x(20)
        pdf.cell(50, 5, label)
        pdf.multi_cell(120, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for number, (title, bullets) in enumerate(agenda(rng), 1):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 5, f"{number}. {title}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for level, text in bullets:
            pdf.set_x(20 if level == 1 else 30)
            pdf.cell(6, 5, "•" if level == 1 else "o")
            pdf.multi_cell(140, 5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(3)
    pdf.output(str(path))


def write_docx(path: Path, date: dt.date, rng: random.Random) -> None:
    import docx
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    header = list(fixtures.HEADER_NL)
    header[1] = ("Vergaderdatum en -tijd", f"{date.day} {MONTHS[date.month - 1]} {date.year}")
    for label, value in header:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for number, (title, bullets) in enumerate(agenda(rng), 1):
        document.add_heading(f"{number}. {title}", level=1)
        for level, text in bullets:
            document.add_paragraph(text, style="List Bullet" if level == 1 else "List Bullet 2")
    document.save(str(path))


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    parser.add_argument("--keep", type=Path, help="make the site in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="notulist-import-bench-"))
    site, sources = folder / "site", folder / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(fixtures.CONFIG, encoding="utf-8")
    rng, write = random.Random(1), write_pdf if args.format == "pdf" else write_docx
    files = []
    for i in range(args.n):
        files.append(sources / f"verslag-{i:03d}.{args.format}")
        write(files[-1], dt.date(2020, 1, 6) + dt.timedelta(days=7 * i), rng)
    if args.format == "pdf":
        from pdfminer.pdfpage import PDFPage
        with files[0].open("rb") as handle:
            print(f"each document: {sum(1 for _ in PDFPage.get_pages(handle))} pages")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "import", *map(str, files),
                           "--body", "wrt", "--config", str(site / "config.toml")],
                          capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    written = len(list((site / "content" / "wrt").glob("*.md")))
    print(f"import of {args.n} {args.format} documents: {seconds:.1f} s "
          f"({seconds / args.n * 1000:.0f} ms each), CPU {used.ru_utime + used.ru_stime:.1f} s, "
          f"load {os.getloadavg()[0]:.1f}; exit {done.returncode}, {written} written")
    if done.returncode:
        print(done.stdout[-2000:], done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
