"""Demo data, part two: organisations of the county, requests in every state with their
history and volunteers, and local projects with roles and applications.

Called by :func:`wirnet.demo.load_demo_data` after the accounts and volunteers. The same rules
as there: nothing is added twice (organisations and projects are found by name, requests by
their client reference ``D-0001`` …, a series by ``D-S01`` …), the same seed gives the same
data (times are counted from the start of today, Europe/Berlin), and the requests are written
with bulk INSERTs, so 2,000 load in about a second.

Request number *n* is drawn from its own random generator (seeded with the seed and *n*): it
is the same whether 40 or 2,000 are loaded. Which volunteer it went to depends on the
volunteers loaded, so it is the same for the same ``--volunteers``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import insert, select

from wirnet import audit
from wirnet.audit import AuditEntry
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from wirnet.projects.models import (
    Participation,
    ParticipationState,
    Project,
    ProjectRole,
    ProjectState,
)
from wirnet.regions import Municipality
from wirnet.requests.models import (
    Assignment,
    AssignmentState,
    GenderPreference,
    Request,
    RequestEvent,
    RequestKind,
    RequestMode,
    RequestSeries,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.requests.services import default_qualifications
from wirnet.volunteers.languages import canonical
from wirnet.volunteers.models import (
    Gender,
    LanguageSkill,
    Qualification,
    QualificationState,
    QualificationType,
    Topic,
    VolunteerProfile,
    VolunteerStatus,
)

S = RequestState
K = RequestKind
ST = RequestSetting
OK = OrganisationKind

#: The marker of a demo request: its client reference starts with it (``D-0001``).
REF_PREFIX = "D-"
#: One weekly series (unless no requests are wanted), one more for every this many requests.
SERIES_EVERY = 200

# --- organisations -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: OrganisationKind
    town: str | None
    status: OrganisationStatus
    contact: str
    phone: str | None
    email: str | None
    description: str
    #: (e-mail, is_admin) of the demo accounts that are members.
    members: tuple[tuple[str, bool], ...] = ()
    #: How often it posts, and what: languages and settings with weights.
    weight: int = 0
    languages: tuple[tuple[str, int], ...] = ()
    settings: tuple[tuple[RequestSetting, int], ...] = ()
    note: str | None = None
    created_days_ago: int = 200


MIXED = (
    ("ar-SY", 20),
    ("fa-AF", 14),
    ("uk", 14),
    ("ti", 8),
    ("ps", 5),
    ("ku", 6),
    ("ckb", 3),
    ("ar-IQ", 4),
    ("tr", 5),
    ("ru", 4),
    ("ro", 3),
    ("bg", 2),
    ("so", 2),
    ("fa", 3),
    ("ar-MA", 1),
)

ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "eritrean",
        "Eritreische Gemeinde Kassel-Land e. V.",
        OK.MIGRANT_ORGANISATION,
        "Baunatal",
        OrganisationStatus.APPROVED,
        "Semhar Tesfay",
        "+49 561 555 0131",
        "eritreische-gemeinde@example.org",
        "<p>Treffpunkt der eritreischen Familien im Landkreis: Beratung in Tigrinya, "
        "Hausaufgabenhilfe am Samstag, Kulturfest im Sommer.</p>",
        members=(("org@example.org", True),),
        weight=6,
        languages=(("ti", 72), ("tig", 10), ("ar", 8), ("am", 10)),
        settings=(
            (ST.AUTHORITY, 4),
            (ST.DOCTOR_HOSPITAL, 4),
            (ST.SCHOOL_CHILDCARE, 2),
            (ST.JOB_CENTRE, 2),
            (ST.COUNSELLING, 1),
        ),
        created_days_ago=420,
    ),
    OrgSpec(
        "familienzentrum",
        "Familienzentrum Regenbogen Vellmar",
        OK.SCHOOL_CHILDCARE,
        "Vellmar",
        OrganisationStatus.APPROVED,
        "Mariam Rahimi",
        "+49 561 555 0177",
        "familienzentrum-vellmar@example.org",
        "<p>Kita, Elternberatung und offene Angebote für Familien in Vellmar. "
        "<strong>Sprechzeiten:</strong> Mo–Fr 8–16 Uhr.</p>",
        members=(("org2@example.org", True), ("org3@example.org", False)),
        weight=8,
        languages=(
            ("fa-AF", 24),
            ("ar-SY", 24),
            ("uk", 15),
            ("ti", 8),
            ("ku", 10),
            ("ps", 8),
            ("tr", 6),
            ("so", 3),
        ),
        settings=(
            (ST.DOCTOR_HOSPITAL, 4),
            (ST.COUNSELLING, 3),
            (ST.SCHOOL_CHILDCARE, 4),
            (ST.AUTHORITY, 2),
        ),
        created_days_ago=380,
    ),
    OrgSpec(
        "mosque",
        "Moscheeverein Al-Nur Lohfelden e. V.",
        OK.MIGRANT_ORGANISATION,
        "Lohfelden",
        OrganisationStatus.APPROVED,
        "Khaled Hamdan",
        "+49 561 555 0219",
        None,
        "<p>Moscheegemeinde mit Frauengruppe, Koran- und Deutschkursen und einem offenen "
        "Elterncafé am Freitag.</p>",
        weight=4,
        languages=(("ar-SY", 40), ("ar-IQ", 14), ("ku", 14), ("tr", 14), ("ckb", 6), ("ar", 12)),
        settings=(
            (ST.DOCTOR_HOSPITAL, 3),
            (ST.AUTHORITY, 3),
            (ST.SCHOOL_CHILDCARE, 2),
            (ST.OTHER, 1),
        ),
        created_days_ago=300,
    ),
    OrgSpec(
        "ukrainian",
        "Ukrainische Frauengruppe „Kalyna“ Wolfhagen",
        OK.MIGRANT_ORGANISATION,
        "Wolfhagen",
        OrganisationStatus.APPROVED,
        "Oksana Melnyk",
        "+49 5692 555 044",
        "kalyna-wolfhagen@example.org",
        "<p>Selbsthilfegruppe ukrainischer Frauen: Austausch, Kinderbetreuung während der "
        "Deutschkurse, Begleitung zu Ämtern.</p>",
        weight=4,
        languages=(("uk", 78), ("ru", 22)),
        settings=(
            (ST.AUTHORITY, 3),
            (ST.DOCTOR_HOSPITAL, 3),
            (ST.JOB_CENTRE, 2),
            (ST.SCHOOL_CHILDCARE, 2),
        ),
        created_days_ago=260,
    ),
    OrgSpec(
        "jobcenter",
        "Jobcenter Landkreis Kassel, Standort Hofgeismar",
        OK.PUBLIC_SERVICE,
        "Hofgeismar",
        OrganisationStatus.APPROVED,
        "Thomas Wagner",
        "+49 5671 555 0300",
        "jobcenter-hofgeismar@example.org",
        "<p>Ansprechpartner für Sprachmittlung bei Erstgesprächen und Eingliederungs"
        "vereinbarungen.</p>",
        weight=7,
        languages=(
            ("ar-SY", 24),
            ("fa-AF", 20),
            ("uk", 20),
            ("ti", 10),
            ("ps", 10),
            ("ckb", 5),
            ("ro", 5),
            ("ru", 6),
        ),
        settings=((ST.JOB_CENTRE, 9), (ST.AUTHORITY, 1)),
        created_days_ago=360,
    ),
    OrgSpec(
        "school",
        "Grundschule am Mühlenberg Fuldatal",
        OK.SCHOOL_CHILDCARE,
        "Fuldatal",
        OrganisationStatus.APPROVED,
        "Ute Richter",
        "+49 561 555 0412",
        "grundschule-muehlenberg@example.org",
        "<p>Grundschule mit Intensivklasse; wir suchen Sprachmittlung für Elterngespräche "
        "und Elternabende.</p>",
        weight=5,
        languages=(("ar-SY", 28), ("uk", 24), ("fa-AF", 16), ("tr", 10), ("ro", 10), ("bg", 8)),
        settings=((ST.SCHOOL_CHILDCARE, 10),),
        created_days_ago=240,
    ),
    OrgSpec(
        "beratung",
        "Beratungsstelle Brückenschlag e. V. Kaufungen",
        OK.ASSOCIATION,
        "Kaufungen",
        OrganisationStatus.APPROVED,
        "Monika Koch",
        "+49 5605 555 0208",
        "brueckenschlag@example.org",
        "<p>Migrationsberatung und Schuldnerberatung; Termine nach Vereinbarung.</p>",
        weight=3,
        languages=MIXED,
        settings=((ST.COUNSELLING, 6), (ST.AUTHORITY, 3), (ST.OTHER, 1)),
        created_days_ago=230,
    ),
    OrgSpec(
        "pflegedienst",
        "Pflegedienst Lebenswert GmbH",
        OK.EMPLOYER,
        "Helsa",
        OrganisationStatus.APPROVED,
        "Jürgen Hoffmann",
        "+49 5605 555 0911",
        "pflegedienst-lebenswert@example.org",
        "<p>Ambulanter Pflegedienst; wir beschäftigen Pflegehelferinnen aus der Ukraine und "
        "Eritrea und brauchen gelegentlich Sprachmittlung bei Einarbeitung und Gesprächen.</p>",
        weight=1,
        languages=(("uk", 40), ("ti", 30), ("fa-AF", 15), ("ar-SY", 15)),
        settings=((ST.OTHER, 5), (ST.COUNSELLING, 1)),
        created_days_ago=210,
    ),
    OrgSpec(
        "afghan",
        "Afghanischer Kultur- und Familienverein Calden e. V.",
        OK.MIGRANT_ORGANISATION,
        "Calden",
        OrganisationStatus.PENDING,
        "Farid Sultani",
        "+49 5674 555 0120",
        "afghanischer-verein-calden@example.org",
        "<p>Neu gegründeter Verein afghanischer Familien in Calden: Nachhilfe, Frauentreff, "
        "Feste.</p>",
        members=(("org4@example.org", True),),
        created_days_ago=3,
    ),
    OrgSpec(
        "freundeskreis",
        "Freundeskreis Syrien Kassel e. V.",
        OK.ASSOCIATION,
        "Niestetal",
        OrganisationStatus.DECLINED,
        "Reinhard Braun",
        None,
        "freundeskreis-syrien@example.org",
        "<p>Spendensammlung und Patenschaften für syrische Familien.</p>",
        note=(
            "Der Verein arbeitet in der Stadt Kassel, nicht im Landkreis. Bitte wenden Sie "
            "sich an das WIR-Vielfaltszentrum der Stadt Kassel."
        ),
        created_days_ago=40,
    ),
    OrgSpec(
        "sprachpaten",
        "Initiative Sprachpaten Helsa",
        OK.OTHER,
        "Helsa",
        OrganisationStatus.DEACTIVATED,
        "Lea Schmidt",
        None,
        None,
        "<p>Ehrenamtliche Sprachpatenschaften (2016–2024); die Initiative hat sich aufgelöst.</p>",
        created_days_ago=900,
    ),
)
ORG_BY_KEY = {spec.key: spec for spec in ORGANISATIONS}
#: Where the walk-ins (no organisation) come from: anyone.
WALK_IN_SHARE = 0.12

# --- requests ----------------------------------------------------------------------------

#: State → weight of the requests after the first few (which cover every state).
STATE_WEIGHTS = [
    (S.DRAFT, 7),
    (S.OPEN, 24),
    (S.ASSIGNED, 10),
    (S.CONFIRMED, 12),
    (S.COMPLETED, 28),
    (S.CANCELLED, 10),
    (S.EXPIRED, 9),
]
#: Requests 1 … 10: every state, short notice, drafts and open ones for the two demo
#: organisations (so their home pages have something to do), a walk-in.
FORCED: dict[int, dict[str, Any]] = {
    1: {"state": S.OPEN, "org": "eritrean", "short": True, "language": "ti"},
    2: {"state": S.DRAFT, "org": "familienzentrum", "language": "fa-AF"},
    3: {"state": S.ASSIGNED, "org": "jobcenter", "language": "ar-SY"},
    4: {"state": S.CONFIRMED, "org": "familienzentrum", "language": "ar-SY"},
    5: {"state": S.COMPLETED, "org": "eritrean", "language": "ti"},
    6: {"state": S.CANCELLED, "org": "school", "language": "uk"},
    7: {"state": S.EXPIRED, "org": "ukrainian", "language": "uk"},
    8: {"state": S.DRAFT, "org": "eritrean", "language": "tig"},
    9: {"state": S.OPEN, "org": "familienzentrum", "short": True, "language": "ku"},
    10: {"state": S.OPEN, "org": None, "language": "ps"},
    11: {"state": S.OPEN, "org": "mosque", "language": "ar-SY", "flexible": True},
    12: {"state": S.OPEN, "org": "jobcenter", "short": True, "language": "fa-AF"},
}
KIND_WEIGHTS = [
    (K.LANGUAGE_MEDIATION, 60),
    (K.HEALTH_GUIDANCE, 10),
    (K.ACCOMPANIMENT, 20),
    (K.OTHER, 8),
]
MODE_WEIGHTS = [(RequestMode.ON_SITE, 76), (RequestMode.PHONE, 17), (RequestMode.VIDEO, 7)]
#: Bigger towns get more requests (walk-ins, and requests away from the organisation's town).
TOWN_WEIGHTS = {
    "Baunatal": 6,
    "Vellmar": 4,
    "Hofgeismar": 4,
    "Wolfhagen": 3,
    "Lohfelden": 3,
    "Kaufungen": 3,
    "Fuldatal": 2,
    "Niestetal": 2,
    "Schauenburg": 2,
    "Fuldabrück": 2,
    "Grebenstein": 2,
    "Immenhausen": 2,
    "Zierenberg": 2,
    "Calden": 2,
}
STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Kirchweg",
    "Schulstraße",
    "Am Markt",
    "Lindenallee",
    "Kasseler Straße",
    "Gartenweg",
    "Rathausplatz",
    "Mühlenweg",
    "Am Sportplatz",
    "Wilhelmstraße",
    "Friedrich-Ebert-Straße",
    "Ahornweg",
)
PLACES = {
    ST.DOCTOR_HOSPITAL: ("Kinderarztpraxis", "Hausarztpraxis", "Frauenarztpraxis", "Kreisklinik"),
    ST.AUTHORITY: ("Bürgerbüro im Rathaus", "Ausländerbehörde, Außenstelle", "Wohngeldstelle"),
    ST.SCHOOL_CHILDCARE: ("Grundschule", "Kita Sonnenblume", "Gesamtschule", "Kita Pusteblume"),
    ST.JOB_CENTRE: ("Jobcenter", "Agentur für Arbeit"),
    ST.COUNSELLING: ("Erziehungsberatung", "Schwangerschaftsberatung", "Migrationsberatung"),
    ST.OTHER: ("Gemeindehaus", "Mehrgenerationenhaus", "Wohnungsbaugesellschaft, Büro"),
}
NOTES = {
    ST.DOCTOR_HOSPITAL: (
        "<p>Vorsorgeuntersuchung beim Kinderarzt (U6); Mutter mit Kleinkind.</p>",
        "<p>Aufklärungsgespräch vor einer Magenspiegelung. Bitte 10 Minuten früher da sein.</p>",
        "<p>Kontrolltermin nach der Entbindung, Befunde bringt die Klientin mit.</p>",
        "<p>Erstgespräch in der Hausarztpraxis, chronische Rückenschmerzen.</p>",
    ),
    ST.AUTHORITY: (
        "<p>Verlängerung des Aufenthaltstitels; alle Unterlagen liegen vor.</p>",
        "<p>Anmeldung der neuen Wohnung im Bürgerbüro.</p>",
        "<p>Antrag auf Wohngeld, Hilfe beim Ausfüllen erwünscht.</p>",
    ),
    ST.SCHOOL_CHILDCARE: (
        "<p>Elterngespräch mit der Klassenlehrerin über den Übergang in Klasse 5.</p>",
        "<p>Aufnahmegespräch in der Kita, zwei Kinder (3 und 5 Jahre).</p>",
        "<p>Elternabend der Intensivklasse; mehrere Familien sprechen dieselbe Sprache.</p>",
    ),
    ST.JOB_CENTRE: (
        "<p>Erstgespräch und Eingliederungsvereinbarung.</p>",
        "<p>Termin bei der Arbeitsvermittlung, Thema Anerkennung des Berufsabschlusses.</p>",
        "<p>Weiterbewilligungsantrag Bürgergeld besprechen.</p>",
    ),
    ST.COUNSELLING: (
        "<p>Erziehungsberatung, zweiter Termin. Dieselbe Person wie beim ersten Mal wäre gut.</p>",
        "<p>Schuldnerberatung: Briefe vom Inkassobüro mitbringen.</p>",
        "<p>Beratung zur Familienzusammenführung.</p>",
    ),
    ST.OTHER: (
        "<p>Gespräch mit der Hausverwaltung wegen Schimmel in der Wohnung.</p>",
        "<p>Einarbeitungsgespräch, Arbeitsschutz und Dienstplan.</p>",
    ),
}
CANCEL_REASONS = (
    "Die Praxis hat den Termin abgesagt.",
    "Die Klientin hat selbst eine Begleitung gefunden.",
    "Termin verschoben, eine neue Anfrage folgt.",
    "Die Familie ist umgezogen.",
    "Versehentlich doppelt eingetragen.",
    "Die Klientin ist erkrankt.",
)
EDIT_NOTES = (
    "<p>Bitte am Empfang nach Frau Weber fragen.</p>",
    "<p>Der Termin findet im 2. Stock statt, Aufzug vorhanden.</p>",
)
DECLINE_NOTES = ("Bin an dem Tag leider verreist.", "Zu weit weg ohne Auto.", None)
HOURS = (1.0, 1.5, 1.5, 2.0, 2.0, 2.5, 3.0)


@dataclass
class RequestSpec:
    """One generated request, before it has an id."""

    ref: str
    values: dict[str, Any]
    #: (at, actor key, from, to, kind, note, details); actor key: "creator", "coordinator",
    #: "system".
    events: list[tuple] = field(default_factory=list)
    #: (state, hours, created_at, answered_at, note, same_day) per volunteer needed or asked.
    assignments: list[dict[str, Any]] = field(default_factory=list)
    day: date | None = None


@dataclass
class Context:
    """What the generators need from the database, read once."""

    today: date
    start: datetime  # the start of today (UTC), the demo's "now"
    tz: ZoneInfo
    towns: dict[str, int]
    town_names: list[str]
    town_weights: list[int]
    orgs: dict[str, int]  # key → id (approved ones post requests)
    members: dict[str, list[int]]  # key → user ids of its members
    coordinators: list[int]
    kinds: dict[str, QualificationType]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def _workday(day: date, forward: bool = True) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    return day


def _local(ctx: Context, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ctx.tz).astimezone(UTC)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole minute between ``start`` and ``end``."""
    if end <= start:
        return start
    span = int((end - start).total_seconds() // 60)
    return start + timedelta(minutes=rng.randint(0, span))


def _spread(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` increasing minutes after ``start``, not after ``end``."""
    times = sorted(_between(rng, start, end) for _ in range(count))
    out, last = [], start
    for moment in times:
        last = max(moment, last + timedelta(minutes=1))
        out.append(last)
    return out


def _details(rng: random.Random, ctx: Context, spec_org: OrgSpec | None, forced: dict):
    """Kind, language, setting, mode, town and address of a request."""
    language = forced.get("language")
    if language is None:
        language = _weighted(rng, spec_org.languages if spec_org else MIXED)
    settings = spec_org.settings if spec_org else ((ST.AUTHORITY, 3), (ST.DOCTOR_HOSPITAL, 3))
    kind = _weighted(rng, KIND_WEIGHTS)
    setting = _weighted(rng, settings)
    if kind is K.HEALTH_GUIDANCE:
        setting = rng.choice((ST.DOCTOR_HOSPITAL, ST.DOCTOR_HOSPITAL, ST.COUNSELLING))
    if setting is ST.JOB_CENTRE and kind is K.HEALTH_GUIDANCE:
        kind = K.LANGUAGE_MEDIATION
    mode = _weighted(rng, MODE_WEIGHTS)
    if kind is K.ACCOMPANIMENT:
        mode = RequestMode.ON_SITE  # one cannot accompany by phone
    if spec_org and spec_org.town in ctx.towns and rng.random() < 0.6:
        town = spec_org.town
    else:
        town = rng.choices(ctx.town_names, ctx.town_weights)[0]
    address = None
    if mode is RequestMode.ON_SITE:
        address = (
            f"{rng.choice(PLACES[setting])}, {rng.choice(STREETS)} {rng.randint(1, 80)}, {town}"
        )
    return kind, canonical(language), setting, mode, town, address


def _qualifications(rng: random.Random, ctx: Context, kind, setting) -> list[str]:
    keys = list(default_qualifications(kind, setting))
    if setting is ST.COUNSELLING and rng.random() < 0.2:
        keys.append("trauma_sensitive")
    if rng.random() < 0.1:
        keys.append("data_secrecy")
    return [key for key in dict.fromkeys(keys) if key in ctx.kinds]


def _timing(rng: random.Random, ctx: Context, state: RequestState, short: bool, flexible: bool):
    """(starts_at, ends_at, window_from, deadline, day, begin, end): ``begin``/``end`` the
    span the appointment covers, for the history's times."""
    if state in (S.COMPLETED, S.EXPIRED):
        offset = -rng.randint(1, 120 if state is S.COMPLETED else 60)
    elif state is S.CANCELLED:
        offset = rng.choice((-rng.randint(1, 60), rng.randint(1, 30)))
    elif short:
        offset = rng.randint(1, 2)
    elif state is S.CONFIRMED:
        offset = rng.randint(1, 21)
    else:
        offset = rng.randint(2 if state is S.ASSIGNED else 4, 42)
    forward = offset > 0
    day = _workday(ctx.today + timedelta(days=offset), forward)
    if forward and day <= ctx.today:
        day = _workday(ctx.today + timedelta(days=1))
    elif not forward and day >= ctx.today:
        day = _workday(ctx.today - timedelta(days=1), forward=False)
    if flexible:
        if forward:  # from the day, for one or two weeks
            first, last = day, day + timedelta(days=rng.choice((4, 7, 11, 14)))
        else:  # a window that has passed: its deadline was the day
            first, last = day - timedelta(days=rng.choice((4, 7, 14))), day
        # From the first morning until the deadline has passed (when it expires).
        begin = _local(ctx, first, time(8))
        end = _local(ctx, last + timedelta(days=1), time(0))
        return None, None, first, last, last, begin, end
    hour = rng.choice((8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16))
    starts_at = _local(ctx, day, time(hour, rng.choice((0, 0, 15, 30, 30, 45))))
    ends_at = starts_at + timedelta(minutes=rng.choice((45, 60, 60, 90, 90, 120, 150, 180)))
    return starts_at, ends_at, None, None, day, starts_at, ends_at


def _chain(rng: random.Random, state: RequestState) -> list[RequestState]:
    """The states a request went through to reach ``state``, from ``draft``."""
    full = [S.DRAFT, S.OPEN, S.ASSIGNED, S.CONFIRMED, S.COMPLETED]
    if state in full:
        chain = full[: full.index(state) + 1]
        if state in (S.ASSIGNED, S.CONFIRMED, S.COMPLETED) and rng.random() < 0.08:
            # A volunteer withdrew and another was found: assigned → open → assigned.
            at = chain.index(S.ASSIGNED)
            chain[at + 1 : at + 1] = [S.OPEN, S.ASSIGNED]
        return chain
    if state is S.EXPIRED:
        return [S.DRAFT, S.OPEN, S.EXPIRED]
    before = _weighted(rng, [(S.DRAFT, 2), (S.OPEN, 5), (S.ASSIGNED, 2), (S.CONFIRMED, 2)])
    return [*full[: full.index(before) + 1], S.CANCELLED]


def make_request(seed: int, number: int, ctx: Context, ref: str | None = None) -> RequestSpec:
    """Request ``number`` of ``seed``: the same every time (for the same day and accounts)."""
    rng = random.Random(f"wirnet-demo-request:{seed}:{number}")
    forced = FORCED.get(number, {})
    posting = [spec for spec in ORGANISATIONS if spec.weight and spec.key in ctx.orgs]
    if "org" in forced:
        spec_org = ORG_BY_KEY[forced["org"]] if forced["org"] else None
    elif rng.random() < WALK_IN_SHARE or not posting:
        spec_org = None
    else:
        spec_org = rng.choices(posting, [spec.weight for spec in posting])[0]
    if spec_org is not None and spec_org.key not in ctx.orgs:
        spec_org = None
    state = forced.get("state") or _weighted(rng, STATE_WEIGHTS)
    short = forced.get("short", state is S.OPEN and rng.random() < 0.12)
    flexible = forced.get("flexible", not short and rng.random() < 0.15)
    kind, language, setting, mode, town, address = _details(rng, ctx, spec_org, forced)
    starts_at, ends_at, window_from, deadline, day, begin, end = _timing(
        rng, ctx, state, short, flexible
    )
    members = ctx.members.get(spec_org.key, []) if spec_org else []
    creator = rng.choice(members) if members else rng.choice(ctx.coordinators)

    # When it was entered: a few days to weeks before, or hours before for short notice.
    now = ctx.start
    if short:
        created_at = now - timedelta(minutes=rng.randint(30, 20 * 60))
    else:
        latest = min(now - timedelta(hours=1), begin - timedelta(days=7))
        created_at = _between(rng, latest - timedelta(days=21), latest)
    chain = _chain(rng, state)
    gender = None
    if setting in (ST.DOCTOR_HOSPITAL, ST.COUNSELLING) and rng.random() < 0.25:
        gender = GenderPreference.FEMALE
    elif rng.random() < 0.03:
        gender = GenderPreference.MALE
    needed = 2 if kind is K.ACCOMPANIMENT and rng.random() < 0.15 else 1
    urgency = Urgency.URGENT if short or rng.random() < 0.06 else Urgency.NORMAL
    values: dict[str, Any] = {
        "organisation_id": ctx.orgs[spec_org.key] if spec_org else None,
        "created_by_id": creator,
        "series_id": None,
        "kind": kind,
        "language_code": language,
        "other_language_code": "en" if language in ("ar-MA", "so") and rng.random() < 0.2 else "de",
        "mode": mode,
        "setting": setting,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "window_from": window_from,
        "deadline": deadline,
        "municipality_id": ctx.towns[town],
        "address": address,
        "client_ref": ref or f"{REF_PREFIX}{number:04d}",
        "gender_preference": gender,
        "required_qualifications": _qualifications(rng, ctx, kind, setting),
        "volunteers_needed": needed,
        "urgency": urgency,
        "short_notice": short,
        "notes": rng.choice(NOTES[setting]) if rng.random() < 0.7 else None,
        "client_consent_at": created_at,
        "client_consent_by_id": creator,
        "state": state,
        "cancel_reason": None,
        "created_at": created_at,
        "updated_at": created_at,
    }
    spec = RequestSpec(ref=values["client_ref"], values=values, day=day)
    _history(rng, spec, chain, created_at, begin, end, now, walk_in=spec_org is None)
    return spec


def _history(
    rng: random.Random,
    spec: RequestSpec,
    chain: list[RequestState],
    created_at: datetime,
    begin: datetime,
    end: datetime,
    now: datetime,
    *,
    walk_in: bool,
) -> None:
    """The request's events (and its volunteers' assignments) along ``chain``."""
    events = [(created_at, "creator", None, S.DRAFT, "state", None, {})]
    steps = chain[1:]
    before = [s for s in steps if s not in (S.COMPLETED, S.EXPIRED)]
    # Everything but completing and expiring happens before the appointment (and before now).
    limit = min(now - timedelta(minutes=5), begin - timedelta(hours=2))
    if walk_in:  # the coordinator enters a walk-in and publishes it at once
        moments = [created_at + timedelta(minutes=2 + i) for i in range(len(before))]
        if len(before) > 1:
            moments[1:] = _spread(rng, moments[0], limit, len(before) - 1)
    else:
        moments = _spread(rng, created_at, max(limit, created_at), len(before))
    previous = S.DRAFT
    accepted_at = None
    assigned_at: list[datetime] = []
    for step, at in zip(before, moments, strict=True):
        actor = "creator" if step in (S.OPEN,) and previous is S.DRAFT else "coordinator"
        note = None
        if step is S.CANCELLED:
            note = rng.choice(CANCEL_REASONS)
            spec.values["cancel_reason"] = note
            actor = "creator" if rng.random() < 0.6 else "coordinator"
        if step is S.OPEN and previous is not S.DRAFT:
            note = "Ehrenamtliche hat kurzfristig abgesagt."
        if step is S.ASSIGNED:
            accepted_at = at
            assigned_at.append(at)
        events.append((at, actor, previous, step, "state", note, {}))
        previous = step
    if S.COMPLETED in steps:
        at = _between(rng, end + timedelta(hours=1), min(now, end + timedelta(days=3)))
        events.append(
            (max(at, events[-1][0]), "coordinator", previous, S.COMPLETED, "state", None, {})
        )
    if S.EXPIRED in steps:
        at = min(now, end + timedelta(minutes=rng.randint(1, 59)))
        events.append((max(at, events[-1][0]), "system", previous, S.EXPIRED, "state", None, {}))
    # Sometimes the details were edited while it was open or booked.
    if len(events) > 2 and rng.random() < 0.12:
        first, second = events[1][0], events[2][0]
        at = _between(rng, first, second)
        old = spec.values["notes"] or ""
        new = rng.choice(EDIT_NOTES)
        spec.values["notes"] = new
        state = events[1][3]
        events.insert(2, (at, "creator", state, state, "edit", None, {"notes": [old, new]}))
    spec.events = events
    spec.values["updated_at"] = events[-1][0]

    final = chain[-1]
    booked = S.ASSIGNED in chain
    needed = spec.values["volunteers_needed"]
    opened = events[1][0] if len(events) > 1 else created_at

    def offered(hours_before: int, moment: datetime) -> datetime:
        """When an offer went out: ``hours_before`` before ``moment``, not before it was open."""
        return min(moment, max(opened, moment - timedelta(hours=hours_before)))

    if booked and accepted_at is not None:
        if final is S.COMPLETED:
            duration = (end - begin).total_seconds() / 3600
            hours = min(duration, 3.0) if spec.values["starts_at"] else rng.choice(HOURS)
            state, hours = AssignmentState.COMPLETED, round(hours * 4) / 4
        elif final is S.CANCELLED:
            state, hours = AssignmentState.WITHDRAWN, None
        else:
            state, hours = AssignmentState.ACCEPTED, None
        for _ in range(needed):
            spec.assignments.append(
                {
                    "state": state,
                    "hours": hours,
                    "created_at": offered(rng.randint(2, 30), accepted_at),
                    "answered_at": accepted_at,
                    "note": None,
                }
            )
        if rng.random() < 0.3:  # someone was asked first and said no
            answered = offered(rng.randint(3, 29), accepted_at)
            spec.assignments.append(
                {
                    "state": AssignmentState.DECLINED,
                    "hours": None,
                    "created_at": offered(rng.randint(1, 30), answered),
                    "answered_at": answered,
                    "note": rng.choice(DECLINE_NOTES),
                }
            )
        if len(assigned_at) > 1:  # the first volunteer accepted, then had to withdraw
            spec.assignments.append(
                {
                    "state": AssignmentState.WITHDRAWN,
                    "hours": None,
                    "created_at": offered(rng.randint(2, 30), assigned_at[0]),
                    "answered_at": assigned_at[0],
                    "note": "Kurzfristig verhindert.",
                }
            )
    elif final is S.OPEN and rng.random() < 0.3 and len(events) >= 2:
        spec.assignments.append(  # an offer waiting for an answer
            {
                "state": AssignmentState.PROPOSED,
                "hours": None,
                "created_at": _between(rng, events[-1][0], now - timedelta(minutes=1)),
                "answered_at": None,
                "note": None,
            }
        )


def make_series(seed: int, number: int, ctx: Context) -> list[RequestSpec]:
    """Weekly series ``number``: six dates at the same local time, two of them past.

    The first is the one the demo shows: Arabic for a family of the Familienzentrum, every
    Monday, with the demo volunteer each time.
    """
    rng = random.Random(f"wirnet-demo-series:{seed}:{number}")
    ref = f"{REF_PREFIX}S{number:02d}"
    if number == 1 and "familienzentrum" in ctx.orgs:
        spec_org = ORG_BY_KEY["familienzentrum"]
        # Mondays 9:30, when the demo volunteer (Arabic, Syria) is available.
        language, weekday, clock = "ar-SY", 0, time(9, 30)
        kind, setting, town = K.LANGUAGE_MEDIATION, ST.COUNSELLING, spec_org.town
    else:
        posting = [spec for spec in ORGANISATIONS if spec.weight and spec.key in ctx.orgs]
        spec_org = rng.choice(posting) if posting else None
        language = _weighted(rng, spec_org.languages if spec_org else MIXED)
        weekday, clock = rng.randint(0, 4), time(rng.choice((9, 10, 14, 15)), 0)
        kind = K.LANGUAGE_MEDIATION
        setting = _weighted(rng, spec_org.settings) if spec_org else ST.COUNSELLING
        town = spec_org.town if spec_org else rng.choices(ctx.town_names, ctx.town_weights)[0]
    town = town if town in ctx.towns else ctx.town_names[0]
    first = ctx.today - timedelta(days=14)
    first += timedelta(days=(weekday - first.weekday()) % 7)
    members = ctx.members.get(spec_org.key, []) if spec_org else []
    creator = members[0] if members else ctx.coordinators[0]
    created_at = _local(ctx, first - timedelta(days=9), time(11, 20))
    address = f"{rng.choice(PLACES[setting])}, {rng.choice(STREETS)} {rng.randint(1, 80)}, {town}"
    specs = []
    for index in range(6):
        day = first + timedelta(days=7 * index)
        starts_at = _local(ctx, day, clock)
        ends_at = starts_at + timedelta(minutes=90)
        if day < ctx.today:
            state = S.COMPLETED
        elif index <= 3 and day <= ctx.today + timedelta(days=8):
            state = S.CONFIRMED
        elif index == 3:
            state = S.ASSIGNED
        else:
            state = S.OPEN
        values = {
            "organisation_id": ctx.orgs[spec_org.key] if spec_org else None,
            "created_by_id": creator,
            "series_id": None,  # set when the series has its id
            "kind": kind,
            "language_code": canonical(language),
            "other_language_code": "de",
            "mode": RequestMode.ON_SITE,
            "setting": setting,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "window_from": None,
            "deadline": None,
            "municipality_id": ctx.towns[town],
            "address": address,
            "client_ref": ref,
            "gender_preference": GenderPreference.FEMALE if number == 1 else None,
            "required_qualifications": [key for key in ("data_secrecy",) if key in ctx.kinds]
            if number == 1
            else _qualifications(rng, ctx, kind, setting),
            "volunteers_needed": 1,
            "urgency": Urgency.NORMAL,
            "short_notice": False,
            "notes": "<p>Wöchentliche Erziehungsberatung; möglichst dieselbe Person.</p>"
            if number == 1
            else None,
            "client_consent_at": created_at,
            "client_consent_by_id": creator,
            "state": state,
            "cancel_reason": None,
            "created_at": created_at,
            "updated_at": created_at,
        }
        spec = RequestSpec(ref=ref, values=values, day=day)
        chain = [S.DRAFT, S.OPEN, S.ASSIGNED, S.CONFIRMED, S.COMPLETED]
        chain = chain[: chain.index(state) + 1]
        _history(rng, spec, chain, created_at, starts_at, ends_at, ctx.start, walk_in=False)
        for assignment in spec.assignments:
            assignment["same_volunteer"] = True
        specs.append(spec)
    return specs


# --- volunteers for the assignments ------------------------------------------------------


@dataclass
class Pool:
    """Active volunteers, indexed by what a request asks of them."""

    profiles: list[int]
    gender: dict[int, Gender | None]
    town: dict[int, int | None]
    qualified: dict[int, frozenset[str]]
    mediators: dict[str, list[int]]  # exact tag → profiles that mediate in it
    mediators_base: dict[str, list[int]]  # "ar" → every Arabic variety
    speakers: dict[str, list[int]]  # base language → any level
    user_of: dict[int, int]
    demo_profile: int | None
    booked: set[tuple[int, date]] = field(default_factory=set)

    @classmethod
    def load(cls, demo_user_id: int | None) -> Pool:
        rows = db.session.execute(
            select(
                VolunteerProfile.id,
                VolunteerProfile.user_id,
                VolunteerProfile.gender,
                VolunteerProfile.municipality_id,
            )
            .where(VolunteerProfile.status == VolunteerStatus.ACTIVE)
            .order_by(VolunteerProfile.id)
        ).all()
        active = {row.id for row in rows}
        pool = cls(
            profiles=[row.id for row in rows],
            gender={row.id: row.gender for row in rows},
            town={row.id: row.municipality_id for row in rows},
            qualified={},
            mediators={},
            mediators_base={},
            speakers={},
            user_of={row.id: row.user_id for row in rows},
            demo_profile=next((row.id for row in rows if row.user_id == demo_user_id), None),
        )
        for profile_id, code, mediates in db.session.execute(
            select(LanguageSkill.profile_id, LanguageSkill.code, LanguageSkill.mediates).order_by(
                LanguageSkill.profile_id, LanguageSkill.id
            )
        ):
            if profile_id not in active:
                continue
            base = code.split("-")[0]
            pool.speakers.setdefault(base, []).append(profile_id)
            if mediates:
                pool.mediators.setdefault(code, []).append(profile_id)
                pool.mediators_base.setdefault(base, []).append(profile_id)
        held: dict[int, set[str]] = {}
        for profile_id, key in db.session.execute(
            select(Qualification.profile_id, QualificationType.key)
            .join(QualificationType, Qualification.type_id == QualificationType.id)
            .where(Qualification.state == QualificationState.VERIFIED)
        ):
            held.setdefault(profile_id, set()).add(key)
        pool.qualified = {key: frozenset(value) for key, value in held.items()}
        return pool

    def candidates(self, values: dict[str, Any]) -> list[int]:
        code = values["language_code"]
        base = code.split("-")[0]
        found = (
            self.mediators.get(code)
            or self.mediators_base.get(base)
            or self.speakers.get(base)
            or self.profiles
        )
        need = set(values["required_qualifications"])
        if need:
            narrowed = [p for p in found if need <= self.qualified.get(p, frozenset())]
            found = narrowed or found
        preference = values["gender_preference"]
        if preference is not None:
            wanted = Gender(preference.value)
            narrowed = [p for p in found if self.gender.get(p) is wanted]
            found = narrowed or found
        return found

    def pick(self, rng: random.Random, values: dict[str, Any], day, count: int) -> list[int]:
        """``count`` different volunteers for the request, not booked elsewhere that day
        where that can be helped, from its town where there is one."""
        found = self.candidates(values)
        if not found:
            return []
        free = [p for p in found if (p, day) not in self.booked] or found
        local = [p for p in free if self.town.get(p) == values["municipality_id"]]
        chosen: list[int] = []
        for _ in range(min(count, len(free))):
            source = local if local and rng.random() < 0.6 else free
            options = [p for p in source if p not in chosen] or [p for p in free if p not in chosen]
            if not options:
                break
            chosen.append(options[rng.randrange(len(options))])
        for profile_id in chosen:
            self.booked.add((profile_id, day))
        return chosen


class PoolLoader:
    """The volunteers' pool, read when first needed (a second run needs none)."""

    def __init__(self, demo_user_id: int | None) -> None:
        self.demo_user_id = demo_user_id
        self.pool: Pool | None = None

    def __call__(self) -> Pool:
        if self.pool is None:
            self.pool = Pool.load(self.demo_user_id)
        return self.pool


# --- loading -----------------------------------------------------------------------------


def _bulk(model, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _context(today: date, users: dict[str, int]) -> Context:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    towns = dict(db.session.execute(select(Municipality.name, Municipality.id)).all())
    names = sorted(towns)
    found = _org_ids()
    orgs = {
        spec.key: found[spec.name]
        for spec in ORGANISATIONS
        if spec.status is OrganisationStatus.APPROVED and spec.name in found
    }
    members = {
        spec.key: [users[email] for email, _admin in spec.members if email in users]
        for spec in ORGANISATIONS
    }
    coordinators = [
        users[email]
        for email in ("coordinator@example.org", "coordinator2@example.org")
        if email in users
    ]
    return Context(
        today=today,
        start=datetime.combine(today, time(0), tzinfo=tz).astimezone(UTC),
        tz=tz,
        towns=towns,
        town_names=names,
        town_weights=[TOWN_WEIGHTS.get(name, 1) for name in names],
        orgs=orgs,
        members=members,
        coordinators=coordinators or [None],
        kinds={kind.key: kind for kind in db.session.scalars(select(QualificationType))},
    )


def _org_ids() -> dict[str, int]:
    names = [spec.name for spec in ORGANISATIONS]
    return dict(
        db.session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
        ).all()
    )


def load_organisations(today: date, users: dict[str, int]) -> int:
    """The organisations missing (by name) and the demo accounts' memberships; how many."""
    created = 0
    existing = _org_ids()
    towns = dict(db.session.execute(select(Municipality.name, Municipality.id)).all())
    coordinator_id = users.get("coordinator@example.org")
    start = datetime.combine(today, time(9), tzinfo=UTC)
    for spec in ORGANISATIONS:
        if spec.name in existing:
            continue
        registered = start - timedelta(days=spec.created_days_ago)
        by_member = spec.status is not OrganisationStatus.APPROVED or spec.key in (
            "eritrean",
            "familienzentrum",
        )
        admins = [users[email] for email, admin in spec.members if admin and email in users]
        decided = spec.status is not OrganisationStatus.PENDING
        organisation = Organisation(
            name=spec.name,
            kind=spec.kind,
            municipality_id=towns.get(spec.town) if spec.town else None,
            description=spec.description,
            contact_name=spec.contact,
            contact_phone=spec.phone,
            contact_email=spec.email,
            status=spec.status,
            decision_note=spec.note,
            decided_by_id=coordinator_id if decided else None,
            decided_at=registered + timedelta(days=min(2, spec.created_days_ago))
            if decided
            else None,
            created_by_id=admins[0] if by_member and admins else coordinator_id,
            created_at=registered,
        )
        db.session.add(organisation)
        db.session.flush()
        action = "organisation.registered" if by_member and admins else "organisation.created"
        audit.record(action, obj=organisation, source="demo")
        existing[spec.name] = organisation.id
        created += 1
    have = set(
        db.session.execute(
            select(Membership.organisation_id, Membership.user_id).where(
                Membership.organisation_id.in_(list(existing.values()))
            )
        ).all()
    )
    for spec in ORGANISATIONS:
        for email, admin in spec.members:
            user_id = users.get(email)
            org_id = existing[spec.name]
            if user_id is None or (org_id, user_id) in have:
                continue
            db.session.add(
                Membership(
                    organisation_id=org_id,
                    user_id=user_id,
                    is_admin=admin,
                    created_at=start - timedelta(days=spec.created_days_ago),
                )
            )
            created += 1
    db.session.flush()
    return created


def load_requests(
    count: int, seed: int, *, today: date, users: dict[str, int], pools: PoolLoader
) -> int:
    """Requests 1 … ``count`` of ``seed`` and the weekly series, those missing; returns how
    many requests were created."""
    ctx = _context(today, users)
    if not ctx.towns:
        return 0
    series_count = 1 + count // SERIES_EVERY if count else 0
    have = set(
        db.session.scalars(
            select(Request.client_ref).where(Request.client_ref.like(f"{REF_PREFIX}%"))
        )
    )
    singles = [
        make_request(seed, number, ctx)
        for number in range(1, count + 1)
        if f"{REF_PREFIX}{number:04d}" not in have
    ]
    series = [
        make_series(seed, number, ctx)
        for number in range(1, series_count + 1)
        if f"{REF_PREFIX}S{number:02d}" not in have
    ]
    if not singles and not series:
        return 0
    now = datetime.now(UTC)

    # The series first (few rows, through the ORM for their ids).
    series_rows = [
        RequestSeries(
            created_by_id=group[0].values["created_by_id"],
            created_at=group[0].values["created_at"],
            rule={"every_days": 7, "count": len(group)},
        )
        for group in series
    ]
    db.session.add_all(series_rows)
    db.session.flush()
    specs = list(singles)
    for row, group in zip(series_rows, series, strict=True):
        for spec in group:
            spec.values["series_id"] = row.id
        specs += group

    _bulk(Request, [spec.values for spec in specs])
    refs = [spec.ref for spec in specs]
    ids: dict[tuple[str, Any], int] = {}
    for start in range(0, len(refs), 500):
        chunk = list(dict.fromkeys(refs[start : start + 500]))
        for request_id, ref, starts_at in db.session.execute(
            select(Request.id, Request.client_ref, Request.starts_at).where(
                Request.client_ref.in_(chunk)
            )
        ):
            ids[(ref, starts_at)] = request_id

    pool = pools()
    events, assignments, entries = [], [], []
    series_volunteer: dict[str, int] = {}
    for spec in specs:
        request_id = ids[(spec.ref, spec.values["starts_at"])]
        rng = random.Random(f"wirnet-demo-assign:{seed}:{spec.ref}:{spec.day}")
        creator = spec.values["created_by_id"]
        coordinator = rng.choice(ctx.coordinators)
        actors = {"creator": creator, "coordinator": coordinator, "system": None}
        for at, actor, old, new, kind, note, details in spec.events:
            events.append(
                {
                    "request_id": request_id,
                    "at": at,
                    "actor_id": actors[actor],
                    "from_state": old,
                    "to_state": new,
                    "kind": kind,
                    "note": note,
                    "details": details,
                }
            )
        entries.append(
            {
                "at": now,
                "actor_id": creator,
                "action": "request.created",
                "object_type": Request.__tablename__,
                "object_id": request_id,
                "details": {"source": "demo"},
            }
        )
        if not spec.assignments:
            continue
        if spec.assignments[0].get("same_volunteer") and spec.ref in series_volunteer:
            chosen = [series_volunteer[spec.ref]]
        elif spec.ref == f"{REF_PREFIX}S01" and pool.demo_profile is not None:
            chosen = [pool.demo_profile]  # the demo volunteer's weekly appointment
        else:
            chosen = pool.pick(rng, spec.values, spec.day, len(spec.assignments))
        if spec.assignments[0].get("same_volunteer") and chosen:
            series_volunteer.setdefault(spec.ref, chosen[0])
        for assignment, profile_id in zip(spec.assignments, chosen, strict=False):
            assignments.append(
                {
                    "request_id": request_id,
                    "profile_id": profile_id,
                    "state": assignment["state"],
                    "hours": assignment["hours"],
                    "note": assignment["note"],
                    "created_by_id": coordinator,
                    "created_at": assignment["created_at"],
                    "answered_at": assignment["answered_at"],
                }
            )
    _bulk(RequestEvent, events)
    _bulk(Assignment, assignments)
    _bulk(AuditEntry, entries)
    db.session.flush()
    return len(specs)


# --- projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleSpec:
    title: str
    description: str
    places: int
    languages: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()
    #: How many have applied: accepted, still waiting, declined, withdrawn.
    applied: tuple[int, int, int, int] = (1, 1, 0, 0)
    #: The demo volunteer applied (with this state).
    demo: ParticipationState | None = None


@dataclass(frozen=True)
class ProjectSpec:
    title: str
    town: str
    partner: str | None
    state: ProjectState
    starts: int  # days from today
    ends: int | None
    description: str
    roles: tuple[RoleSpec, ...]


T = Topic
P = ParticipationState
PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "Sprachcafé Baunatal",
        "Baunatal",
        None,
        ProjectState.RUNNING,
        -150,
        None,
        "<p>Jeden Donnerstag von 16 bis 18 Uhr in der Stadtbibliothek: Deutsch üben bei Tee "
        "und Kuchen. Neu angekommene Familien aus Syrien und Afghanistan freuen sich über "
        "Gesprächspartner, die ihre Sprache sprechen.</p>",
        (
            RoleSpec(
                "2 Arabisch-Sprechende für das Sprachcafé",
                "Donnerstags 16–18 Uhr, mindestens zweimal im Monat.",
                2,
                ("ar",),
                (T.PROJECTS, T.LEISURE_SPORT),
                (1, 1, 0, 1),
                P.ACCEPTED,
            ),
            RoleSpec(
                "Dari-Sprecher:in für das Sprachcafé",
                "Donnerstags 16–18 Uhr.",
                1,
                ("fa-AF",),
                (T.PROJECTS,),
                (0, 2, 1, 0),
            ),
            RoleSpec(
                "Gesprächspartner:innen Deutsch",
                "Donnerstags 16–18 Uhr; Geduld und Freude an Gesprächen genügen.",
                4,
                (),
                (T.PROJECTS, T.LEISURE_SPORT),
                (2, 1, 0, 0),
            ),
        ),
    ),
    ProjectSpec(
        "Hausaufgabenhilfe Vellmar",
        "Vellmar",
        "familienzentrum",
        ProjectState.RUNNING,
        -90,
        200,
        "<p>Im Familienzentrum Regenbogen: Hausaufgabenbetreuung für Grundschulkinder, "
        "montags und mittwochs von 14 bis 16 Uhr.</p>",
        (
            RoleSpec(
                "Hausaufgabenhilfe Klasse 1–4",
                "Montags und/oder mittwochs 14–16 Uhr.",
                3,
                (),
                (T.SCHOOL_CHILDCARE,),
                (2, 1, 0, 0),
            ),
            RoleSpec(
                "Hausaufgabenhilfe mit Ukrainisch",
                "Mittwochs 14–16 Uhr; für Kinder, die erst seit Kurzem Deutsch lernen.",
                1,
                ("uk",),
                (T.SCHOOL_CHILDCARE,),
                (1, 1, 0, 0),
            ),
        ),
    ),
    ProjectSpec(
        "Radfahrkurs für Frauen Hofgeismar",
        "Hofgeismar",
        None,
        ProjectState.PLANNED,
        30,
        86,
        "<p>Acht Samstage auf dem Verkehrsübungsplatz: Frauen lernen Rad fahren und die "
        "Verkehrsregeln. Räder und Helme stellt der ADFC.</p>",
        (
            RoleSpec(
                "Radfahrtrainerin",
                "Samstags 10–12 Uhr; nur Frauen.",
                3,
                (),
                (T.LEISURE_SPORT,),
                (0, 2, 0, 0),
            ),
            RoleSpec(
                "Sprachmittlerin Dari oder Tigrinya",
                "Samstags 10–12 Uhr, für die Verkehrsregeln.",
                2,
                ("fa-AF", "ti"),
                (T.LANGUAGE_MEDIATION, T.LEISURE_SPORT),
                (0, 1, 0, 0),
            ),
        ),
    ),
    ProjectSpec(
        "Gemeinschaftsgarten Wolfhagen",
        "Wolfhagen",
        "ukrainian",
        ProjectState.RUNNING,
        -60,
        120,
        "<p>Ein Garten am Stadtrand, den ukrainische und deutsche Familien gemeinsam "
        "bepflanzen.</p>",
        (
            RoleSpec(
                "Gartenpat:in",
                "Nach Absprache, etwa zwei Stunden pro Woche.",
                3,
                (),
                (T.LEISURE_SPORT, T.PROJECTS),
                (1, 1, 1, 0),
            ),
            RoleSpec(
                "Sprachmittlung Ukrainisch bei den Gartentreffen",
                "Erster Samstag im Monat, 10–13 Uhr.",
                1,
                ("uk",),
                (T.LANGUAGE_MEDIATION,),
                (0, 1, 0, 0),
            ),
        ),
    ),
    ProjectSpec(
        "Bewerbungswerkstatt Hofgeismar",
        "Hofgeismar",
        "jobcenter",
        ProjectState.PLANNED,
        21,
        63,
        "<p>Sechs Abende: Lebenslauf, Anschreiben, Vorstellungsgespräch üben.</p>",
        (
            RoleSpec(
                "Bewerbungsmentor:in",
                "Dienstags 17–19 Uhr.",
                4,
                (),
                (T.WORK_JOBS,),
                (1, 2, 0, 0),
            ),
            RoleSpec(
                "Sprachmittlung Arabisch oder Paschtu",
                "Dienstags 17–19 Uhr.",
                2,
                ("ar", "ps"),
                (T.LANGUAGE_MEDIATION, T.WORK_JOBS),
                (0, 1, 0, 0),
                P.APPLIED,
            ),
        ),
    ),
    ProjectSpec(
        "Lesepatenschaften Grundschule am Mühlenberg",
        "Fuldatal",
        "school",
        ProjectState.RUNNING,
        -200,
        None,
        "<p>Lesepat:innen lesen einmal pro Woche mit Kindern der Intensivklasse.</p>",
        (
            RoleSpec(
                "Lesepat:in",
                "Einmal pro Woche vormittags, 45 Minuten.",
                5,
                (),
                (T.SCHOOL_CHILDCARE,),
                (3, 1, 0, 1),
            ),
        ),
    ),
    ProjectSpec(
        "Fußballtreff Lohfelden",
        "Lohfelden",
        "mosque",
        ProjectState.RUNNING,
        -120,
        None,
        "<p>Freitags 17 Uhr auf dem Sportplatz: Fußball für Jugendliche von 12 bis 17.</p>",
        (
            RoleSpec(
                "Trainer:in",
                "Freitags 17–18:30 Uhr.",
                2,
                ("ar", "ku"),
                (T.LEISURE_SPORT,),
                (1, 0, 1, 0),
            ),
        ),
    ),
    ProjectSpec(
        "Eritreisches Kulturfest Baunatal",
        "Baunatal",
        "eritrean",
        ProjectState.FINISHED,
        -110,
        -108,
        "<p>Ein Wochenende mit Musik, Essen und Informationsständen im Stadtpark.</p>",
        (
            RoleSpec(
                "Helfer:innen für Auf- und Abbau",
                "Freitag 15–19 Uhr und Sonntag ab 18 Uhr.",
                4,
                (),
                (T.PROJECTS,),
                (3, 0, 1, 0),
            ),
            RoleSpec(
                "Tigrinya am Infostand",
                "Samstag 11–17 Uhr, in Schichten.",
                2,
                ("ti",),
                (T.LANGUAGE_MEDIATION,),
                (2, 0, 0, 0),
            ),
        ),
    ),
    ProjectSpec(
        "Nähcafé Kaufungen",
        "Kaufungen",
        "beratung",
        ProjectState.FINISHED,
        -300,
        -30,
        "<p>Gemeinsam nähen und reparieren, jeden zweiten Mittwoch.</p>",
        (
            RoleSpec(
                "Nähanleitung",
                "Jeden zweiten Mittwoch 15–17 Uhr.",
                2,
                (),
                (T.LEISURE_SPORT,),
                (2, 0, 0, 0),
            ),
        ),
    ),
)
MESSAGES = (
    "Ich habe donnerstags frei und würde gern mitmachen.",
    "Ich spreche die Sprache als Muttersprache und habe Erfahrung mit Kindern.",
    "Gern, aber nur jede zweite Woche.",
    "أود المساعدة، لدي خبرة في التدريس.",
    None,
)


def load_projects(seed: int, *, today: date, users: dict[str, int], pools: PoolLoader) -> int:
    """The projects missing (by title), with their roles and applications; how many records."""
    titles = [spec.title for spec in PROJECTS]
    have = set(db.session.scalars(select(Project.title).where(Project.title.in_(titles))))
    if len(have) == len(titles):
        return 0
    towns = dict(db.session.execute(select(Municipality.name, Municipality.id)).all())
    orgs = _org_ids()
    pool = pools()
    coordinator_id = users.get("coordinator@example.org")
    start = datetime.combine(today, time(9), tzinfo=UTC)
    created = 0
    for number, spec in enumerate(PROJECTS, start=1):
        if spec.title in have:
            continue
        rng = random.Random(f"wirnet-demo-project:{seed}:{number}")
        partner = ORG_BY_KEY[spec.partner] if spec.partner else None
        partner_id = orgs.get(partner.name) if partner else None
        admins = [
            users[e] for e, admin in (partner.members if partner else ()) if admin and e in users
        ]
        created_at = start + timedelta(days=min(spec.starts, 0) - 30)
        project = Project(
            title=spec.title,
            municipality_id=towns.get(spec.town),
            partner_id=partner_id,
            description=spec.description,
            starts_on=today + timedelta(days=spec.starts),
            ends_on=today + timedelta(days=spec.ends) if spec.ends is not None else None,
            state=spec.state,
            created_by_id=admins[0] if admins else coordinator_id,
            created_at=created_at,
        )
        decider = admins[0] if admins else coordinator_id
        for role_spec in spec.roles:
            role = ProjectRole(
                title=role_spec.title,
                description=role_spec.description,
                places=role_spec.places,
                languages=[canonical(tag) for tag in role_spec.languages],
                topics=[topic.value for topic in role_spec.topics],
            )
            project.roles.append(role)
            chosen: list[tuple[int, ParticipationState]] = []
            if role_spec.demo is not None and pool.demo_profile is not None:
                chosen.append((pool.demo_profile, role_spec.demo))
            candidates = _role_candidates(pool, role_spec)
            states = [P.ACCEPTED] * role_spec.applied[0] + [P.APPLIED] * role_spec.applied[1]
            states += [P.DECLINED] * role_spec.applied[2] + [P.WITHDRAWN] * role_spec.applied[3]
            accepted = sum(1 for _p, s in chosen if s is P.ACCEPTED)
            for state in states:
                options = [p for p in candidates if p not in {c for c, _ in chosen}]
                if not options:
                    break
                if state is P.ACCEPTED and accepted >= role_spec.places:
                    state = P.APPLIED
                accepted += state is P.ACCEPTED
                chosen.append((options[rng.randrange(len(options))], state))
            for profile_id, state in chosen:
                applied_at = created_at + timedelta(
                    days=rng.randint(1, 25), hours=rng.randint(0, 9)
                )
                decided = state in (P.ACCEPTED, P.DECLINED)
                role.participations.append(
                    Participation(
                        profile_id=profile_id,
                        message=rng.choice(MESSAGES),
                        state=state,
                        decided_by_id=decider if decided else None,
                        decided_at=applied_at + timedelta(days=rng.randint(1, 4))
                        if decided
                        else None,
                        created_at=applied_at,
                    )
                )
                created += 1
            created += 1
        db.session.add(project)
        db.session.flush()
        audit.record("project.created", obj=project, partner_id=partner_id, source="demo")
        created += 1
    db.session.flush()
    return created


def _role_candidates(pool: Pool, role: RoleSpec) -> list[int]:
    if not role.languages:
        return pool.profiles
    found: list[int] = []
    for tag in role.languages:
        base = canonical(tag).split("-")[0]
        for profile_id in pool.speakers.get(base, []):
            if profile_id not in found:
                found.append(profile_id)
    return found


def load_activity(*, requests: int, seed: int, today: date) -> int:
    """Organisations, requests and projects; returns the number of records created."""
    emails = [
        "coordinator@example.org",
        "coordinator2@example.org",
        "volunteer@example.org",
        *{email for spec in ORGANISATIONS for email, _admin in spec.members},
    ]
    users = dict(
        db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all()
    )
    pools = PoolLoader(users.get("volunteer@example.org"))
    created = load_organisations(today, users)
    created += load_requests(requests, seed, today=today, users=users, pools=pools)
    created += load_projects(seed, today=today, users=users, pools=pools)
    return created
