"""A seeded synthetic minutes archive in the SPEC format, for benchmarks and profiling.

Every `[[...]]` written here resolves: each body keeps a ledger of its earlier meetings
(item counts, actions not closed yet), and only what the ledger holds is referred to.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

SITE_TITLE = "Regietafels Migratie — verslagen (benchmark)"
BASE_URL = "https://example.org/verslagen/"
ARCHIVE_START = dt.date(2000, 1, 10)
ARCHIVE_DAYS = 25 * 365                 # dates stay in a believable range for any N
TARGET_BYTES = (7300, 8300)             # a meeting file is ~8 KB of Markdown
MEMBERS_BLOCK_CHANCE = 0.08
SECOND_MEETING_CHANCE = 0.03

BODIES = {  # key: (name, short, share of the meetings)
    "lrt": ("Landelijke Regietafel Migratie en Integratie", "LRT", 0.45),
    "boo": ("Bestuurlijk Overleg Opvang", "BOO", 0.35),
    "wgh": ("Werkgroep Huisvesting Statushouders", "WGH", 0.20),
}

ORGANISATIONS = {
    "SJenV": "Staatssecretaris van Justitie en Veiligheid",
    "JenV": "Ministerie van Justitie en Veiligheid",
    "MBZK": "Minister van Binnenlandse Zaken en Koninkrijksrelaties",
    "BZK": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    "SZW": "Ministerie van Sociale Zaken en Werkgelegenheid",
    "OCW": "Ministerie van Onderwijs, Cultuur en Wetenschap",
    "VWS": "Ministerie van Volksgezondheid, Welzijn en Sport",
    "EZK": "Ministerie van Economische Zaken en Klimaat",
    "IenW": "Ministerie van Infrastructuur en Waterstaat",
    "FIN": "Ministerie van Financiën",
    "AZ": "Ministerie van Algemene Zaken",
    "VNG": "Vereniging van Nederlandse Gemeenten",
    "IPO": "Interprovinciaal Overleg",
    "CdK": "Commissarissen van de Koning",
    "Aedes": "Aedes, vereniging van woningcorporaties",
    "COA": "Centraal Orgaan opvang asielzoekers",
    "IND": "Immigratie- en Naturalisatiedienst",
    "DTenV": "Dienst Terugkeer en Vertrek",
    "RvdK": "Raad voor de Kinderbescherming",
    "GGD": "GGD GHOR Nederland",
    "UWV": "Uitvoeringsinstituut Werknemersverzekeringen",
    "DUO": "Dienst Uitvoering Onderwijs",
    "Nidos": "Stichting Nidos",
    "VWN": "VluchtelingenWerk Nederland",
    "RVO": "Rijksdienst voor Ondernemend Nederland",
}

TOPICS = [  # (anchor, title); the anchor is the recurring topic across meetings
    ("opening", "Opening en mededelingen"), ("opvang", "Stand van zaken opvang"),
    ("huisvesting", "Huisvesting statushouders"), ("spreiding", "Spreidingswet"),
    ("financien", "Financiën en bekostiging"), ("crisisnoodopvang", "Crisisnoodopvang"),
    ("amv", "Alleenstaande minderjarige vreemdelingen"), ("inburgering", "Inburgering"),
    ("taakstelling", "Taakstelling gemeenten"), ("oekraine", "Opvang ontheemden uit Oekraïne"),
    ("arbeidsmigratie", "Arbeidsmigratie"), ("terugkeer", "Terugkeer en vertrek"),
    ("gezondheidszorg", "Gezondheidszorg asielzoekers"), ("onderwijs", "Onderwijs nieuwkomers"),
    ("prt", "Provinciale Regietafels"), ("monitor", "Monitor en cijfers"),
    ("communicatie", "Communicatie en woordvoering"), ("noodopvang", "Noodopvang zomer"),
    ("wonen", "Flexwonen en tijdelijke woningen"), ("veiligheid", "Veiligheid op locaties"),
    ("nareizigers", "Nareizigers en gezinshereniging"), ("werk", "Werk en participatie"),
    ("wetgeving", "Wetgeving en regelgeving"), ("europa", "Europese ontwikkelingen"),
    ("capaciteit", "Capaciteit en doorstroom"), ("ketensamenwerking", "Ketensamenwerking"),
    ("evaluatie", "Evaluatie en lessen"), ("planning", "Planning komende periode"),
    ("jaarplan", "Jaarplan en werkagenda"), ("rondvraag", "Rondvraag en sluiting"),
]

SURNAMES = [
    "Van der Burg", "De Jonge", "Spies", "Mulder", "Jansen", "De Vries", "Bakker", "Visser",
    "Smit", "Meijer", "De Boer", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker",
    "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer", "Van der Linden",
    "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Heuvel", "Van der Veen", "Van den Berg",
    "Van Dijk", "Schouten", "Willems", "Hoekstra", "Koster", "Prins", "Van Wijk", "Kuipers",
    "Post", "Huisman", "Kramer", "Van Vliet", "Verhoeven", "Timmermans", "Groen", "Gerritsen",
    "Sanders", "Van Beek", "Maas",
]

WORDS = """
de het een van en in op met voor over bij naar door als ook nog niet wel zijn wordt worden
heeft hebben kan kunnen moet moeten zal zullen gemeente gemeenten provincie provincies
regio regio's opvang locatie locaties plaatsen woningen woning bewoners asielzoekers
statushouders nieuwkomers huisvesting uitvoering afspraak afspraken overleg voorstel
voorstellen notitie brief verslag planning termijn capaciteit doorstroom instroom uitstroom
knelpunt knelpunten oplossing oplossingen gesprek gesprekken partners ketenpartners
bestuurlijk ambtelijk landelijk regionaal tijdelijk structureel voldoende extra nieuwe
eerste tweede komende vorige afgelopen periode week maand kwartaal jaar stand zaken
ontwikkeling ontwikkelingen signaal signalen zorgen aandacht ruimte middelen financiering
bijdrage kosten begroting aanpak werkwijze inzet toezegging opdracht verkenning onderzoek
resultaten cijfers monitor rapportage voortgang uitwerking besluitvorming vervolg
gezamenlijk nader spoedig binnenkort zorgvuldig duidelijk concreet breed gedragen
""".split()

SENTENCE_WORDS = (6, 15)
PARAGRAPH_WORDS = (40, 85)
ACTION_VERBS = [  # (one owner, several owners)
    ("stelt een notitie op over", "stellen een notitie op over"),
    ("neemt contact op over", "nemen contact op over"),
    ("verkent de mogelijkheden voor", "verkennen de mogelijkheden voor"),
    ("levert een overzicht aan van", "leveren een overzicht aan van"),
    ("werkt een voorstel uit voor", "werken een voorstel uit voor"),
]


@dataclass(frozen=True)
class MeetingSlot:
    """Where a meeting sits in the archive: its body, file id and date."""
    body: str
    id: str
    date: dt.date


@dataclass
class BodyLedger:
    """What earlier minutes of one body contain, so new minutes only refer to real things."""
    items_per_meeting: list[tuple[str, int]] = field(default_factory=list)
    outstanding_actions: list[str] = field(default_factory=list)     # "2023-07-10#A2"
    closed_actions: set[str] = field(default_factory=set)


@dataclass
class AgendaItem:
    number: int
    anchor: str
    title: str
    blocks: list = field(default_factory=list)   # str paragraph | list[str] bullets | tuple


@dataclass
class ArchiveSummary:
    meetings: int = 0
    markdown_bytes: int = 0
    actions: int = 0
    closed_actions: int = 0
    references: int = 0
    middle_meeting: Path | None = None
    files: list[Path] = field(default_factory=list)


def write_site(site: Path, count: int, seed: int = 1) -> ArchiveSummary:
    """Write config.toml and `count` meetings under content/; same seed, same bytes."""
    rng = random.Random(seed)
    site.mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(config_toml(), encoding="utf-8")
    summary = ArchiveSummary()
    for body, slots in schedule_meetings(rng, count).items():
        folder = site / "content" / body
        folder.mkdir(parents=True, exist_ok=True)
        ledger = BodyLedger()
        for index, slot in enumerate(slots):
            text = compose_meeting(rng, slot, ledger, draft=index == len(slots) - 1)
            path = folder / f"{slot.id}.md"
            path.write_text(text, encoding="utf-8")
            summary.files.append(path)
            summary.markdown_bytes += len(text.encode("utf-8"))
            summary.references += text.count("[[")
        summary.closed_actions += len(ledger.closed_actions)
        summary.actions += len(ledger.outstanding_actions) + len(ledger.closed_actions)
    summary.meetings = len(summary.files)
    summary.middle_meeting = middle_meeting(site)
    return summary


def config_toml() -> str:
    lines = ["[site]", f'title = "{SITE_TITLE}"', f'base_url = "{BASE_URL}"',
             'language = "nl"', ""]
    for key, (name, short, _) in BODIES.items():
        lines += [f"[bodies.{key}]", f'name = "{name}"', f'short = "{short}"', ""]
    lines.append("[organisations]")
    lines += [f'{code} = "{name}"' for code, name in ORGANISATIONS.items()]
    return "\n".join(lines) + "\n"


def schedule_meetings(rng: random.Random, count: int) -> dict[str, list[MeetingSlot]]:
    """Spread `count` meetings over the bodies, each body's dates ascending."""
    keys = list(BODIES)
    chosen = rng.choices(keys, weights=[BODIES[k][2] for k in keys], k=count)
    return {key: body_calendar(rng, key, chosen.count(key)) for key in keys}


def body_calendar(rng: random.Random, body: str, count: int) -> list[MeetingSlot]:
    mean_gap = max(1, ARCHIVE_DAYS // max(count, 1))
    day, slots = ARCHIVE_START, []
    for _ in range(count):
        second_already = slots and slots[-1].id.endswith("-2")
        if slots and not second_already and rng.random() < SECOND_MEETING_CHANCE:
            slots.append(MeetingSlot(body, f"{day.isoformat()}-2", day))
            continue
        day += dt.timedelta(days=rng.randint(1, 2 * mean_gap - 1) if slots else 0)
        slots.append(MeetingSlot(body, day.isoformat(), day))
    return slots


def middle_meeting(site: Path) -> Path | None:
    """The meeting the edit scenario touches: halfway through the first body's archive."""
    for body in BODIES:
        files = sorted((site / "content" / body).glob("*.md"))
        if files:
            return files[len(files) // 2]
    return None


# --- one meeting -----------------------------------------------------------------------

def compose_meeting(rng: random.Random, slot: MeetingSlot, ledger: BodyLedger,
                    draft: bool) -> str:
    """The Markdown of one meeting; records its items and actions in the ledger."""
    attendee_orgs = rng.sample(list(ORGANISATIONS), 18)
    front = front_matter(rng, slot, ledger, attendee_orgs, draft)
    agenda = draw_agenda(rng)
    for item in agenda:
        item.blocks = [paragraph(rng), bullets(rng)]
    note_previous_minutes(agenda, ledger)
    actions = place_actions(rng, agenda, attendee_orgs[:15], slot.date)
    place_decisions(rng, agenda, BODIES[slot.body][1])
    place_status_lines(rng, agenda, ledger)
    if rng.random() < MEMBERS_BLOCK_CHANCE:
        place_members_block(rng, agenda)
    fill_to_size(rng, agenda, rng.randint(*TARGET_BYTES) - len(front))
    place_references(rng, agenda, ledger)
    ledger.items_per_meeting.append((slot.id, len(agenda)))
    ledger.outstanding_actions += [f"{slot.id}#A{n}" for n in range(1, actions + 1)]
    return front + "\n\n".join(render_item(item) for item in agenda) + "\n"


def front_matter(rng: random.Random, slot: MeetingSlot, ledger: BodyLedger,
                 orgs: list[str], draft: bool) -> str:
    names = rng.sample(SURNAMES, 18)
    withheld = set(rng.sample(range(1, 15), rng.randint(2, 4)))
    lines = ["---", f"date: {slot.date.isoformat()}",
             f"time: {rng.choice(['15:00', '15:00', '10:00', '13:30'])}",
             f"location: {rng.choice(['Webex', 'Den Haag', 'Utrecht', 'Teams'])}",
             "attendees:", f"  - name: {names[0]}", f"    org: {orgs[0]}",
             "    role: voorzitter"]
    for index in range(1, 15):
        who = f"({orgs[index]})" if index in withheld else f"{names[index]} ({orgs[index]})"
        lines.append(f"  - {who}")
    lines.append("absent:")
    lines += [f"  - {names[i]} ({orgs[i]})" for i in range(15, 15 + rng.randint(1, 3))]
    if ledger.items_per_meeting:
        lines.append(f"approves: {ledger.items_per_meeting[-1][0]}")
    if draft:
        lines.append("status: draft")
    return "\n".join(lines) + "\n---\n\n"


def draw_agenda(rng: random.Random) -> list[AgendaItem]:
    topics = [TOPICS[0]] + rng.sample(TOPICS[1:], rng.randint(3, 6))
    return [AgendaItem(n, anchor, title) for n, (anchor, title) in enumerate(topics, 1)]


def note_previous_minutes(agenda: list[AgendaItem], ledger: BodyLedger) -> None:
    if ledger.items_per_meeting:
        previous = ledger.items_per_meeting[-1][0]
        agenda[0].blocks[1].insert(0, f"Het verslag van [[{previous}]] wordt vastgesteld.")


def place_actions(rng: random.Random, agenda: list[AgendaItem], orgs: list[str],
                  date: dt.date) -> int:
    count = rng.randint(1, 3)
    for _ in range(count):
        rng.choice(agenda).blocks[1].append(action_line(rng, orgs, date))
    return count


def action_line(rng: random.Random, orgs: list[str], date: dt.date) -> str:
    owners = rng.sample(orgs, rng.randint(1, 2))
    single, plural = rng.choice(ACTION_VERBS)
    due = f", uiterlijk {(date + dt.timedelta(days=rng.randint(14, 70))).isoformat()}"
    due = due if rng.random() < 0.7 else ""
    if rng.random() < 0.5:
        verb = single if len(owners) == 1 else plural
        return f"Actie: {' en '.join(owners)} {verb} {phrase(rng, 4, 9)}{due}."
    return f"Actie ({', '.join(owners)}): {phrase(rng, 5, 11)}{due}."


def place_decisions(rng: random.Random, agenda: list[AgendaItem], short: str) -> None:
    for _ in range(rng.randint(0, 2)):
        text = f"Besluit: de {short} stemt in met {phrase(rng, 4, 10)}."
        rng.choice(agenda).blocks[1].append(text)


def place_status_lines(rng: random.Random, agenda: list[AgendaItem],
                       ledger: BodyLedger) -> None:
    """Close some earlier actions (never one twice) and note progress on another."""
    outstanding = ledger.outstanding_actions
    wanted = rng.randint(1, 3) if len(outstanding) < 20 else rng.randint(2, 4)
    for _ in range(min(wanted, len(outstanding))):
        action = outstanding.pop(rng.randrange(len(outstanding)))
        ledger.closed_actions.add(action)
        line = f"Afgerond: [[{action}]] {phrase(rng, 4, 10)}."
        rng.choice(agenda[:2]).blocks[1].append(line)
    if outstanding and rng.random() < 0.6:
        line = f"Stand: [[{rng.choice(outstanding)}]] {phrase(rng, 5, 12)}."
        rng.choice(agenda).blocks[1].append(line)


def place_members_block(rng: random.Random, agenda: list[AgendaItem]) -> None:
    ground = rng.choice([None, None, "5.1.2e", "5.1.2i"])
    item = rng.choice(agenda)
    item.blocks.insert(rng.randint(0, len(item.blocks)), ("members", ground, paragraph(rng)))


def fill_to_size(rng: random.Random, agenda: list[AgendaItem], target: int) -> None:
    """Add filler paragraphs until the agenda's text reaches about `target` bytes."""
    size = sum(len(render_item(item).encode("utf-8")) + 2 for item in agenda)
    while size < target:
        text = paragraph(rng)
        item = rng.choice(agenda)
        item.blocks.insert(rng.randint(0, len(item.blocks)), text)
        size += len(text) + 2


def place_references(rng: random.Random, agenda: list[AgendaItem], ledger: BodyLedger) -> None:
    """A few `[[id]]` and `[[id#n]]` links to recent earlier meetings of the same body."""
    recent = ledger.items_per_meeting[-30:]
    for _ in range(rng.randint(1, 3) if recent else 0):
        meeting, items = rng.choice(recent)
        target = meeting if rng.random() < 0.5 else f"{meeting}#{rng.randint(1, items)}"
        item = rng.choice(agenda)
        spots = [i for i, block in enumerate(item.blocks) if isinstance(block, str)]
        spot = rng.choice(spots)
        item.blocks[spot] += f" Zie ook [[{target}]]."


def render_item(item: AgendaItem) -> str:
    parts = [f"## {item.number}. {item.title} {{#{item.anchor}}}"]
    for block in item.blocks:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, list):
            parts.append("\n".join(f"- {line}" for line in block))
        else:
            _, ground, text = block
            parts.append(f"::: members{' ' + ground if ground else ''}\n{text}\n:::")
    return "\n\n".join(parts)


# --- filler text -----------------------------------------------------------------------

def phrase(rng: random.Random, least: int, most: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(least, most)))


def sentence(rng: random.Random) -> str:
    text = phrase(rng, *SENTENCE_WORDS)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    words, sentences = rng.randint(*PARAGRAPH_WORDS), []
    while words > 0:
        sentences.append(sentence(rng))
        words -= sentences[-1].count(" ") + 1
    return " ".join(sentences)


def bullets(rng: random.Random) -> list[str]:
    return [sentence(rng) for _ in range(rng.randint(2, 4))]
