"""Demo data, part two: organisations of the county, requests in every state with their
history and volunteers, and local projects with roles and applications.

Called by :func:`wirnet.demo.load_demo_data` after the accounts and volunteers. The same rules
as there: nothing is added twice (organisations and projects are found by name, requests by
their client reference ``D-0001`` …, a series by ``D-S01`` …), the same seed gives the same
data (times are counted from the start of today, Europe/Berlin), and the requests are written
with bulk INSERTs, so 2,000 load in about a second.

Request number *n* is drawn from its own random generator (seeded with the seed and *n*): it
is the same whether 40 or 2,000 are loaded. Which volunteer it went to depends on the
volunteers loaded, so it is the same for the same ``--volunteers`` (only the nonces of the
offer links are fresh secrets each time).

The states mean what the life cycle means (``wirnet.requests.lifecycle``): open requests lie
ahead, with offers waiting for an answer (and of two places one perhaps booked); assigned
ones have every place booked and lie ahead — but for the demo volunteer's one whose hours
are still to be recorded; carried out (confirmed) and completed ones lie behind, with every
booked volunteer's report (hours, kilometres and a note, now and then a no-show), the
completed ones confirmed by the organisation (some with feedback) or closed by a
coordinator. Each assignment holds a copy of its request's time, and no volunteer is ever
booked twice at once: the database would refuse it (PostgreSQL's exclusion constraint),
so the generator keeps each volunteer's booked times and picks another on a clash.
"""

from __future__ import annotations

import random
import secrets
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
    AssignmentOrigin,
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
#: Requests 1 … 15: every state, short notice, drafts and open ones for the two demo
#: organisations (so their home pages have something to do), a request of org@example.org
#: carried out and waiting for its confirmation, a walk-in, one needing two volunteers of
#: whom one is booked, and the demo volunteer's (volunteer@example.org, Arabic) whole
#: flow: an offer waiting for her answer (13) and an appointment that took place yesterday
#: or so whose hours she has still to record (14). (Her upcoming bookings and those already
#: reported come with the weekly series D-S01.) Both keep clear of the series (Mondays
#: 9:30–11:00); the offer falls in her availability (Wednesday afternoon), in her town.
DEMO_TIME = {"clock": time(14, 30), "minutes": 90}
DEMO_FIT = {
    "language": "ar-SY",
    "kind": K.LANGUAGE_MEDIATION,
    "setting": ST.AUTHORITY,
    "mode": RequestMode.ON_SITE,
    "town": "Baunatal",
    "short": False,
    "flexible": False,
}
FORCED: dict[int, dict[str, Any]] = {
    1: {"state": S.OPEN, "org": "eritrean", "short": True, "language": "ti"},
    2: {"state": S.DRAFT, "org": "familienzentrum", "language": "fa-AF"},
    3: {"state": S.ASSIGNED, "org": "jobcenter", "language": "ar-SY"},
    4: {"state": S.CONFIRMED, "org": "eritrean", "language": "ti", "flexible": False},
    5: {"state": S.COMPLETED, "org": "eritrean", "language": "ti"},
    6: {"state": S.CANCELLED, "org": "school", "language": "uk"},
    7: {"state": S.EXPIRED, "org": "ukrainian", "language": "uk"},
    8: {"state": S.DRAFT, "org": "eritrean", "language": "tig"},
    9: {"state": S.OPEN, "org": "familienzentrum", "short": True, "language": "ku"},
    10: {"state": S.OPEN, "org": None, "language": "ps"},
    11: {"state": S.OPEN, "org": "mosque", "language": "ar-SY", "flexible": True},
    12: {"state": S.OPEN, "org": "jobcenter", "short": True, "language": "fa-AF"},
    13: {
        "state": S.OPEN,
        "org": "mosque",
        "demo": "offer",
        "offset": 3,
        "weekday": 2,
        **DEMO_FIT,
        **DEMO_TIME,
    },
    14: {
        "state": S.ASSIGNED,
        "org": "beratung",
        "demo": "to_record",
        "offset": -1,
        **DEMO_FIT,
        **DEMO_TIME,
    },
    15: {
        "state": S.OPEN,
        "org": "familienzentrum",
        "language": "uk",
        "kind": K.ACCOMPANIMENT,
        "needed": 2,
        "partial": True,
        "short": False,
    },
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
#: Hours reported for a flexible window (a fixed appointment: its length, and a little more).
HOURS = (1.0, 1.5, 1.5, 2.0, 2.0, 2.5, 3.0)
#: Kilometres travelled to an appointment on site (none for one by phone or video).
KM = (2, 3, 4, 5, 6, 8, 9, 12, 14, 18, 22, 27, 34)
#: How a booking came about: mostly an offer accepted, some booked after a phone call, a
#: few volunteers who offered to take the request themselves.
ORIGIN_WEIGHTS = [
    (AssignmentOrigin.PROPOSAL, 76),
    (AssignmentOrigin.DIRECT, 18),
    (AssignmentOrigin.VOLUNTEER, 6),
]
#: The share of bookings whose volunteer did not come.
NO_SHOW_SHARE = 0.05
OUTCOME_NOTES = (
    "Termin gut verlaufen, Folgetermin in zwei Wochen.",
    "Lange Wartezeit in der Praxis, danach alles geklärt.",
    "Unterlagen waren unvollständig; die Familie reicht sie nach.",
    "Die Klientin war sehr dankbar.",
    "Kurzer Termin, alles erledigt.",
    "Schwieriges Gespräch, aber alles verstanden.",
    "Formular gemeinsam ausgefüllt und abgegeben.",
)
NO_SHOW_NOTES = (
    "Ehrenamtliche:r nicht erschienen; die Organisation hat angerufen.",
    "Krankmeldung kam erst nach dem Termin.",
    None,
)
FEEDBACK = (
    "Vielen Dank, die Verständigung hat sehr gut geklappt.",
    "Pünktlich, freundlich und sehr geduldig – gern wieder.",
    "Die Klientin hat sich gut aufgehoben gefühlt.",
    "Das Gespräch dauerte länger als geplant; danke für die Flexibilität.",
)
FEEDBACK_NO_SHOW = "Leider kam niemand; wir haben einen neuen Termin vereinbart."


@dataclass
class RequestSpec:
    """One generated request, before it has an id."""

    ref: str
    values: dict[str, Any]
    #: (at, actor key, from, to, kind, note, details); actor key: "creator", "coordinator",
    #: "system", or "reporter" (whoever recorded the last outcome: the volunteer or the
    #: coordinator).
    events: list[tuple] = field(default_factory=list)
    #: One per volunteer booked, offered or asked (see :func:`_row`), bookings first.
    assignments: list[dict[str, Any]] = field(default_factory=list)
    day: date | None = None
    #: The coordinator who handled it (the history's "coordinator").
    coordinator: int | None = None
    #: When the appointment was over (a flexible window: when its deadline had passed).
    end: datetime | None = None
    #: The index in ``assignments`` of the outcome recorded last (it made the request
    #: carried out), if any.
    reporter: int | None = None

    @property
    def for_demo_volunteer(self) -> bool:
        return any(row["demo"] for row in self.assignments)


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


def weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def workday(day: date, forward: bool = True) -> date:
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
        language = weighted(rng, spec_org.languages if spec_org else MIXED)
    settings = spec_org.settings if spec_org else ((ST.AUTHORITY, 3), (ST.DOCTOR_HOSPITAL, 3))
    kind = forced.get("kind") or weighted(rng, KIND_WEIGHTS)
    setting = forced.get("setting") or weighted(rng, settings)
    if kind is K.HEALTH_GUIDANCE and "setting" not in forced:
        setting = rng.choice((ST.DOCTOR_HOSPITAL, ST.DOCTOR_HOSPITAL, ST.COUNSELLING))
    if setting is ST.JOB_CENTRE and kind is K.HEALTH_GUIDANCE:
        kind = K.LANGUAGE_MEDIATION
    mode = forced.get("mode") or weighted(rng, MODE_WEIGHTS)
    if kind is K.ACCOMPANIMENT:
        mode = RequestMode.ON_SITE  # one cannot accompany by phone
    if forced.get("town") in ctx.towns:
        town = forced["town"]
    elif spec_org and spec_org.town in ctx.towns and rng.random() < 0.6:
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


def _timing(
    rng: random.Random,
    ctx: Context,
    state: RequestState,
    short: bool,
    flexible: bool,
    forced: dict[str, Any],
):
    """(starts_at, ends_at, window_from, deadline, day, begin, end): ``begin``/``end`` the
    span the appointment covers, for the history's times.

    Carried out (confirmed) and completed requests lie in the past, those still looking for
    volunteers or booked in the future; ``forced`` may fix the ``offset`` in days (moved to
    a workday, then to ``weekday``), the ``clock`` and the ``minutes``."""
    if "offset" in forced:
        offset = forced["offset"]
    elif state in (S.COMPLETED, S.EXPIRED):
        offset = -rng.randint(1, 120 if state is S.COMPLETED else 60)
    elif state is S.CONFIRMED:  # carried out recently, waiting for the organisation
        offset = -rng.randint(1, 14)
    elif state is S.CANCELLED:
        offset = rng.choice((-rng.randint(1, 60), rng.randint(1, 30)))
    elif short:
        offset = rng.randint(1, 2)
    else:
        offset = rng.randint(2 if state is S.ASSIGNED else 4, 42)
    forward = offset > 0
    day = workday(ctx.today + timedelta(days=offset), forward)
    if forward and day <= ctx.today:
        day = workday(ctx.today + timedelta(days=1))
    elif not forward and day >= ctx.today:
        day = workday(ctx.today - timedelta(days=1), forward=False)
    if "weekday" in forced:
        day += timedelta(days=(forced["weekday"] - day.weekday()) % 7)
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
    clock = forced.get("clock") or time(hour, rng.choice((0, 0, 15, 30, 30, 45)))
    minutes = forced.get("minutes") or rng.choice((45, 60, 60, 90, 90, 120, 150, 180))
    starts_at = _local(ctx, day, clock)
    ends_at = starts_at + timedelta(minutes=minutes)
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
    # Cancelled before the appointment (once carried out, a request is not cancelled).
    before = weighted(rng, [(S.DRAFT, 2), (S.OPEN, 5), (S.ASSIGNED, 3)])
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
    state = forced.get("state") or weighted(rng, STATE_WEIGHTS)
    short = forced.get("short", state is S.OPEN and rng.random() < 0.12)
    flexible = forced.get("flexible", not short and rng.random() < 0.15)
    kind, language, setting, mode, town, address = _details(rng, ctx, spec_org, forced)
    starts_at, ends_at, window_from, deadline, day, begin, end = _timing(
        rng, ctx, state, short, flexible, forced
    )
    members = ctx.members.get(spec_org.key, []) if spec_org else []
    creator = rng.choice(members) if members else rng.choice(ctx.coordinators)
    coordinator = rng.choice(ctx.coordinators)

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
    if "demo" in forced:
        gender = None  # nothing the demo volunteer would not fit
    needed = forced.get("needed") or (2 if kind is K.ACCOMPANIMENT and rng.random() < 0.15 else 1)
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
        "feedback": None,
        "feedback_at": None,
        "feedback_by_id": None,
        "created_at": created_at,
        "updated_at": created_at,
    }
    spec = RequestSpec(
        ref=values["client_ref"], values=values, day=day, coordinator=coordinator, end=end
    )
    _history(
        rng,
        spec,
        chain,
        created_at,
        begin,
        end,
        now,
        walk_in=spec_org is None,
        demo=forced.get("demo"),
        partial=forced.get("partial"),
    )
    return spec


#: Assignments that hold the volunteer's time.
BOOKED = (AssignmentState.ACCEPTED, AssignmentState.COMPLETED, AssignmentState.NO_SHOW)
#: The steps that come after the appointment: the reports (carried out), the
#: organisation's confirmation, or the expiry.
AFTER = frozenset({S.CONFIRMED, S.COMPLETED, S.EXPIRED})


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
    demo: str | None = None,
    partial: bool | None = None,
) -> None:
    """The request's events and its volunteers' assignments along ``chain``.

    Until the booking (or the cancellation) everything happens before the appointment;
    after it come the booked volunteers' reports (the last one makes the request carried
    out), the organisation's confirmation (completed) or the expiry.
    """
    events = [(created_at, "creator", None, S.DRAFT, "state", None, {})]
    steps = chain[1:]
    before = [s for s in steps if s not in AFTER]
    limit = min(now - timedelta(minutes=5), begin - timedelta(hours=2))
    if walk_in:  # the coordinator enters a walk-in and publishes it at once
        moments = [created_at + timedelta(minutes=2 + i) for i in range(len(before))]
        if len(before) > 1:
            moments[1:] = _spread(rng, moments[0], limit, len(before) - 1)
    else:
        moments = _spread(rng, created_at, max(limit, created_at), len(before))
    previous = S.DRAFT
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
            assigned_at.append(at)
        events.append((at, actor, previous, step, "state", note, {}))
        previous = step
    needed = spec.values["volunteers_needed"]
    reports: list[datetime] = []
    no_shows: list[bool] = []
    if S.CONFIRMED in steps:
        # The appointment is over (a flexible window: on a day within it); each booked
        # volunteer's report follows within two days.
        if spec.values["starts_at"] is not None:
            over = end
        else:
            over = _between(rng, begin + timedelta(hours=2), min(end, now) - timedelta(hours=2))
        first = over + timedelta(minutes=10)
        reports = _spread(rng, first, max(first, min(now, over + timedelta(days=2))), needed)
        reports = [min(moment, now) for moment in reports]
        no_shows = [rng.random() < NO_SHOW_SHARE for _ in range(needed)]
        events.append((reports[-1], "reporter", previous, S.CONFIRMED, "state", None, {}))
        previous = S.CONFIRMED
    if S.COMPLETED in steps:
        # The organisation confirms (a walk-in: the coordinator who entered it), or a
        # coordinator closes it; either way it is kept with who and when.
        last = events[-1][0]
        at = _between(
            rng, min(last + timedelta(minutes=30), now), min(now, last + timedelta(days=5))
        )
        actor = "creator" if walk_in or rng.random() < 0.7 else "coordinator"
        events.append((at, actor, previous, S.COMPLETED, "state", None, {}))
        spec.values["feedback_at"] = at
        spec.values["feedback_by_id"] = (
            spec.values["created_by_id"] if actor == "creator" else spec.coordinator
        )
        if actor == "creator" and not walk_in and rng.random() < 0.5:
            spec.values["feedback"] = FEEDBACK_NO_SHOW if all(no_shows) else rng.choice(FEEDBACK)
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
    opened = events[1][0] if len(events) > 1 else created_at
    if assigned_at:
        _bookings(rng, spec, chain, opened, assigned_at, reports, no_shows, demo=demo)
    elif chain[-1] is S.OPEN and len(events) >= 2:
        _offers(rng, spec, opened, events[-1][0], now, demo=demo, partial=partial)
    elif chain[-1] in (S.EXPIRED, S.CANCELLED) and len(events) > 2 and rng.random() < 0.25:
        # Asked, but nobody took it: an offer declined (expired) or withdrawn (cancelled),
        # before the appointment.
        answered = _between(rng, opened, max(opened, min(events[-1][0], limit)))
        cancelled = chain[-1] is S.CANCELLED
        spec.assignments.append(
            _row(
                AssignmentState.WITHDRAWN if cancelled else AssignmentState.DECLINED,
                AssignmentOrigin.PROPOSAL,
                created_at=_between(rng, opened, answered),
                answered_at=None if cancelled else answered,
            )
        )


def _row(
    state: AssignmentState,
    origin: AssignmentOrigin,
    *,
    created_at: datetime,
    answered_at: datetime | None = None,
    demo: bool = False,
) -> dict[str, Any]:
    """An assignment before it has its volunteer. ``free``: the volunteer must have no
    booking at that time (a booking, or an offer still open: the services refuse to offer
    an appointment to someone booked at the time); ``holds``: it takes the volunteer's
    time."""
    holds = state in BOOKED
    return {
        "state": state,
        "origin": origin,
        "wave": 1,
        # Offers carry the nonce of their signed links (kept after the answer).
        "nonce": origin is AssignmentOrigin.PROPOSAL,
        "hours": None,
        "km": None,
        "note": None,
        "outcome_at": None,
        "outcome_by": None,
        "created_at": created_at,
        "answered_at": answered_at,
        "holds": holds,
        "free": holds or state in (AssignmentState.PROPOSED, AssignmentState.VOLUNTEERED),
        "demo": demo,
        "same_volunteer": False,
    }


def _offered(opened: datetime, moment: datetime, hours_before: int) -> datetime:
    """When an offer went out: ``hours_before`` before ``moment``, not before it was open."""
    return min(moment, max(opened, moment - timedelta(hours=hours_before)))


def _booking(
    rng: random.Random, opened: datetime, booked_at: datetime, *, demo: bool = False
) -> dict[str, Any]:
    """A volunteer booked at ``booked_at``: an offer accepted (answered then), a booking
    after a phone call, or a volunteer's own offer confirmed by a coordinator."""
    origin = weighted(rng, ORIGIN_WEIGHTS)
    if origin is AssignmentOrigin.PROPOSAL:
        created_at = _offered(opened, booked_at, rng.randint(2, 30))
        return _row(
            AssignmentState.ACCEPTED,
            origin,
            created_at=created_at,
            answered_at=booked_at,
            demo=demo,
        )
    if origin is AssignmentOrigin.VOLUNTEER:
        created_at = _offered(opened, booked_at, rng.randint(4, 48))
    else:
        created_at = booked_at
    return _row(AssignmentState.ACCEPTED, origin, created_at=created_at, demo=demo)


def _report(
    rng: random.Random, spec: RequestSpec, row: dict[str, Any], at: datetime, no_show: bool
) -> None:
    """The outcome: the hours (from half an hour to four, in quarters), kilometres and a
    short note, mostly recorded by the volunteer; a no-show by a coordinator."""
    values = spec.values
    row["outcome_at"] = at
    if no_show:
        row.update(state=AssignmentState.NO_SHOW, note=rng.choice(NO_SHOW_NOTES))
        row["outcome_by"] = "coordinator"
        return
    if values["starts_at"] is not None:
        length = (values["ends_at"] - values["starts_at"]).total_seconds() / 3600
        hours = length + rng.choice((0, 0, 0.25, 0.5, 0.75))  # with waiting, or the way
    else:
        hours = rng.choice(HOURS)
    row.update(
        state=AssignmentState.COMPLETED,
        hours=min(4.0, max(0.5, round(hours * 4) / 4)),
        km=float(rng.choice(KM)) if values["mode"] is RequestMode.ON_SITE else 0.0,
        note=rng.choice(OUTCOME_NOTES),
        outcome_by="volunteer" if rng.random() < 0.85 else "coordinator",
    )


def _bookings(
    rng: random.Random,
    spec: RequestSpec,
    chain: list[RequestState],
    opened: datetime,
    assigned_at: list[datetime],
    reports: list[datetime],
    no_shows: list[bool],
    *,
    demo: str | None,
) -> None:
    """A request that was booked: one booking per place (the last one filled it), with its
    outcome once carried out, or withdrawn when the request was cancelled; and sometimes
    someone who said no first, the other offers withdrawn when it was filled, and the
    volunteer who withdrew before another was found."""
    final = chain[-1]
    needed = spec.values["volunteers_needed"]
    filled = assigned_at[-1]
    moments = [*sorted(_between(rng, opened, filled) for _ in range(needed - 1)), filled]
    for index, booked_at in enumerate(moments):
        row = _booking(rng, opened, booked_at, demo=demo == "to_record" and index == 0)
        if reports:
            _report(rng, spec, row, reports[index], no_shows[index])
        elif final is S.CANCELLED:
            row.update(state=AssignmentState.WITHDRAWN, holds=False, free=False)
        spec.assignments.append(row)
    if reports:
        spec.reporter = needed - 1
    if rng.random() < 0.3:  # someone was asked first and said no
        answered = _offered(opened, filled, rng.randint(3, 29))
        spec.assignments.append(
            _row(
                AssignmentState.DECLINED,
                AssignmentOrigin.PROPOSAL,
                created_at=_offered(opened, answered, rng.randint(1, 30)),
                answered_at=answered,
            )
        )
    if rng.random() < 0.2:  # offered to another as well: withdrawn when it was filled
        spec.assignments.append(
            _row(
                AssignmentState.WITHDRAWN,
                AssignmentOrigin.PROPOSAL,
                created_at=_offered(opened, filled, rng.randint(2, 30)),
            )
        )
    if len(assigned_at) > 1:  # the first volunteer accepted, then had to withdraw
        spec.assignments.append(
            _row(
                AssignmentState.WITHDRAWN,
                AssignmentOrigin.PROPOSAL,
                created_at=_offered(opened, assigned_at[0], rng.randint(2, 30)),
                answered_at=assigned_at[0],
            )
        )


def _offers(
    rng: random.Random,
    spec: RequestSpec,
    opened: datetime,
    last: datetime,
    now: datetime,
    *,
    demo: str | None,
    partial: bool | None,
) -> None:
    """An open request: of two places one may be booked already; offers may be waiting
    for an answer (one wave, sent together), one of them perhaps declined; now and then a
    volunteer has offered to take it."""
    latest = now - timedelta(minutes=1)
    if spec.values["volunteers_needed"] > 1 and (partial or rng.random() < 0.5):
        spec.assignments.append(_booking(rng, opened, _between(rng, opened, latest)))
    if demo == "offer" or rng.random() < 0.35:
        sent = _between(rng, last, latest)
        count = 1 + (rng.random() < 0.4) + (rng.random() < 0.2)
        for index in range(count):
            spec.assignments.append(
                _row(
                    AssignmentState.PROPOSED,
                    AssignmentOrigin.PROPOSAL,
                    created_at=sent,
                    demo=demo == "offer" and index == 0,
                )
            )
        if rng.random() < 0.3:
            spec.assignments.append(
                _row(
                    AssignmentState.DECLINED,
                    AssignmentOrigin.PROPOSAL,
                    created_at=sent,
                    answered_at=_between(rng, sent, latest),
                )
            )
    if rng.random() < 0.08:
        spec.assignments.append(
            _row(
                AssignmentState.VOLUNTEERED,
                AssignmentOrigin.VOLUNTEER,
                created_at=_between(rng, opened, latest),
            )
        )


def make_series(seed: int, number: int, ctx: Context) -> list[RequestSpec]:
    """Weekly series ``number``: six dates at the same local time, two of them past (the
    earlier completed, last week's carried out and waiting for the organisation), the next
    two booked, the last two open.

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
        language = weighted(rng, spec_org.languages if spec_org else MIXED)
        weekday, clock = rng.randint(0, 4), time(rng.choice((9, 10, 14, 15)), 0)
        kind = K.LANGUAGE_MEDIATION
        setting = weighted(rng, spec_org.settings) if spec_org else ST.COUNSELLING
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
        if day < ctx.today - timedelta(days=7):
            state = S.COMPLETED
        elif day < ctx.today:  # last week's: carried out, waiting for the organisation
            state = S.CONFIRMED
        elif index <= 3:  # the next ones (today's too) are booked
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
            "feedback": None,
            "feedback_at": None,
            "feedback_by_id": None,
            "created_at": created_at,
            "updated_at": created_at,
        }
        spec = RequestSpec(
            ref=ref,
            values=values,
            day=day,
            coordinator=rng.choice(ctx.coordinators),
            end=ends_at,
        )
        chain = [S.DRAFT, S.OPEN, S.ASSIGNED, S.CONFIRMED, S.COMPLETED]
        chain = chain[: chain.index(state) + 1]
        _history(rng, spec, chain, created_at, starts_at, ends_at, ctx.start, walk_in=False)
        for assignment in spec.assignments:
            if assignment["holds"]:
                # The first series is the demo volunteer's; the others keep one volunteer.
                assignment["demo" if number == 1 else "same_volunteer"] = True
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
    #: Each volunteer's booked times (accepted or carried out): never two that overlap.
    busy: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    #: (volunteer, day) with a booking: a second one that day only where it cannot be helped.
    booked_days: set[tuple[int, date]] = field(default_factory=set)
    _found: dict[tuple, list[int]] = field(default_factory=dict)
    _local: dict[tuple, list[int]] = field(default_factory=dict)

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
        # What is booked already (by an earlier run, or by hand): nothing may overlap it.
        for profile_id, starts_at, ends_at in db.session.execute(
            select(Assignment.profile_id, Assignment.starts_at, Assignment.ends_at).where(
                Assignment.state.in_(BOOKED), Assignment.starts_at.is_not(None)
            )
        ):
            pool.book(profile_id, starts_at, ends_at, None)
        return pool

    def candidates(self, values: dict[str, Any]) -> list[int]:
        """Who fits the request: mediates in (or at least speaks) its language, holds the
        qualifications it requires and matches its gender preference — as far as anyone
        does. Computed once per kind of request."""
        need = frozenset(values["required_qualifications"])
        preference = values["gender_preference"]
        key = (values["language_code"], need, preference)
        if key in self._found:
            return self._found[key]
        code = values["language_code"]
        base = code.split("-")[0]
        found = self.mediators.get(code) or self.mediators_base.get(base) or self.speakers.get(base)
        found = found or []  # nobody speaks it
        if need:
            narrowed = [p for p in found if need <= self.qualified.get(p, frozenset())]
            found = narrowed or found
        if preference is not None:
            wanted = Gender(preference.value)
            narrowed = [p for p in found if self.gender.get(p) is wanted]
            found = narrowed or found
        self._found[key] = found
        return found

    def _near(self, values: dict[str, Any], found: list[int]) -> list[int]:
        key = (values["language_code"], frozenset(values["required_qualifications"]))
        key += (values["gender_preference"], values["municipality_id"])
        if key not in self._local:
            town = values["municipality_id"]
            self._local[key] = [p for p in found if self.town.get(p) == town]
        return self._local[key]

    def is_free(self, profile_id: int, starts_at, ends_at) -> bool:
        """No booking of the volunteer overlaps ``[starts_at, ends_at)`` (half-open, as the
        database's rule: one ending at 11:00 and one starting at 11:00 do not clash)."""
        if starts_at is None or ends_at is None:
            return True
        return not any(s < ends_at and starts_at < e for s, e in self.busy.get(profile_id, ()))

    def book(self, profile_id: int, starts_at, ends_at, day) -> None:
        if starts_at is not None and ends_at is not None:
            self.busy.setdefault(profile_id, []).append((starts_at, ends_at))
        if day is not None:
            self.booked_days.add((profile_id, day))

    def unbook(self, profile_id: int, starts_at, ends_at) -> None:
        if starts_at is not None and ends_at is not None:
            self.busy[profile_id].remove((starts_at, ends_at))

    def pick(
        self,
        rng: random.Random,
        values: dict[str, Any],
        day,
        taken: list[int],
        *,
        free: bool,
        anyone: bool = False,
        prefer: int | None = None,
    ) -> int | None:
        """One volunteer for the request, not one of ``taken``: ``prefer`` if they can; else
        someone who fits it, from its town where there is one, with nothing else that day
        where that can be helped; else anyone who speaks its language. ``free``: never
        someone booked at that time. ``anyone``: rather anyone (free) than nobody, for a
        booking. A few random draws first, so that thousands of candidates cost no more
        than a handful."""
        starts_at, ends_at = values["starts_at"], values["ends_at"]

        def usable(profile_id: int) -> bool:
            return profile_id not in taken and (
                not free or self.is_free(profile_id, starts_at, ends_at)
            )

        if prefer is not None and prefer in self.user_of and usable(prefer):
            return prefer
        found = self.candidates(values)
        near = self._near(values, found)
        for attempt in range(24 if found else 0):
            source = near if near and attempt < 12 and rng.random() < 0.6 else found
            profile_id = source[rng.randrange(len(source))]
            if not usable(profile_id):
                continue
            if attempt < 16 and (profile_id, day) in self.booked_days:
                continue
            return profile_id
        # The draws were unlucky, or the few who fit are busy: look further.
        groups = [found, self.speakers.get(values["language_code"].split("-")[0], [])]
        if anyone:
            groups.append(self.profiles)
        for group in groups:
            offset = rng.randrange(len(group)) if group else 0
            for index in range(len(group)):
                profile_id = group[(offset + index) % len(group)]
                if usable(profile_id):
                    return profile_id
        return None


def _without_booking(
    spec: RequestSpec, people: list[int | None], pool: Pool, now: datetime
) -> list[int | None]:
    """Nobody was free for one of the request's places (only with very few volunteers for
    many requests). Rather than book someone twice, nobody was booked for it: an
    appointment still ahead stays open (with the places that were filled), one that is
    over expired. Changes ``spec``; returns the volunteers of the assignments kept."""
    values = spec.values
    states = [event[3] for event in spec.events if event[4] == "state"]
    if S.ASSIGNED not in states:  # open, one of two places booked early: it is not
        kept = [
            (row, person)
            for row, person in zip(spec.assignments, people, strict=True)
            if person is not None or not row["holds"]
        ]
    else:
        cut = next(
            i
            for i, event in enumerate(spec.events)
            if event[3] is S.ASSIGNED and event[4] == "state"
        )
        events = spec.events[:cut]
        over = spec.end is not None and spec.end <= now
        kept = []
        for row, person in zip(spec.assignments, people, strict=True):
            if row["state"] is AssignmentState.WITHDRAWN:
                continue  # withdrawn from a booking that did not happen
            if row["holds"] and (over or person is None):
                if person is not None:
                    pool.unbook(person, values["starts_at"], values["ends_at"])
                continue
            kept.append((row, person))
        if over:
            at = max(events[-1][0], min(now, spec.end + timedelta(minutes=30)))
            events.append((at, "system", S.OPEN, S.EXPIRED, "state", None, {}))
        spec.events = events
        spec.reporter = None
        values.update(
            state=S.EXPIRED if over else S.OPEN,
            feedback=None,
            feedback_at=None,
            feedback_by_id=None,
            updated_at=events[-1][0],
        )
    spec.assignments = [row for row, _person in kept]
    return [person for _row, person in kept]


def _recorder(
    pool: Pool, row: dict[str, Any], profile_id: int | None, coordinator: int | None
) -> int | None:
    """Who recorded the assignment's outcome: its volunteer, or a coordinator."""
    if row["outcome_by"] == "volunteer" and profile_id is not None:
        return pool.user_of[profile_id]
    return coordinator


def _volunteers(
    rng: random.Random, pool: Pool, spec: RequestSpec, series_volunteer: dict[str, int]
) -> list[int | None]:
    """A different volunteer for each of the request's assignments (None where nobody is
    left): the demo volunteer where the spec says so, a series' volunteer again each
    week; bookings take the volunteer's time."""
    values = spec.values
    taken: list[int] = []
    people: list[int | None] = []
    for row in spec.assignments:
        prefer = None
        if row["demo"]:
            prefer = pool.demo_profile
        elif row["same_volunteer"]:
            prefer = series_volunteer.get(spec.ref)
        profile_id = pool.pick(
            rng, values, spec.day, taken, free=row["free"], anyone=row["holds"], prefer=prefer
        )
        people.append(profile_id)
        if profile_id is None:
            continue
        taken.append(profile_id)
        if row["holds"]:
            pool.book(profile_id, values["starts_at"], values["ends_at"], spec.day)
            if row["same_volunteer"]:
                series_volunteer.setdefault(spec.ref, profile_id)
    return people


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

    pool = pools()
    # The volunteers first, the demo volunteer's appointments before all others (so that
    # nothing else takes her time); then the rows in the requests' order.
    chosen: dict[int, list[int | None]] = {}
    series_volunteer: dict[str, int] = {}
    order = sorted(range(len(specs)), key=lambda i: (not specs[i].for_demo_volunteer, i))
    for index in order:
        spec = specs[index]
        rng = random.Random(f"wirnet-demo-assign:{seed}:{spec.ref}:{spec.day}")
        people = _volunteers(rng, pool, spec, series_volunteer)
        if any(p is None for row, p in zip(spec.assignments, people, strict=True) if row["holds"]):
            people = _without_booking(spec, people, pool, ctx.start)
        chosen[index] = people

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

    events, assignments, entries = [], [], []
    for index, spec in enumerate(specs):
        request_id = ids[(spec.ref, spec.values["starts_at"])]
        creator = spec.values["created_by_id"]
        coordinator = spec.coordinator
        people = chosen[index]
        reporter = None
        if spec.reporter is not None:
            row = spec.assignments[spec.reporter]
            reporter = _recorder(pool, row, people[spec.reporter], coordinator)
        actors = {
            "creator": creator,
            "coordinator": coordinator,
            "system": None,
            "reporter": reporter,
        }
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
        for row, profile_id in zip(spec.assignments, people, strict=True):
            if profile_id is None:
                continue
            own = row["origin"] is AssignmentOrigin.VOLUNTEER
            assignments.append(
                {
                    "request_id": request_id,
                    "profile_id": profile_id,
                    "state": row["state"],
                    "origin": row["origin"],
                    # A copy of the request's time, for the rule against double bookings.
                    "starts_at": spec.values["starts_at"],
                    "ends_at": spec.values["ends_at"],
                    "wave": row["wave"],
                    "nonce": secrets.token_hex(16) if row["nonce"] else None,
                    "hours": row["hours"],
                    "km": row["km"],
                    "note": row["note"],
                    "outcome_at": row["outcome_at"],
                    "outcome_by_id": _recorder(pool, row, profile_id, coordinator)
                    if row["outcome_at"]
                    else None,
                    "created_by_id": pool.user_of[profile_id] if own else coordinator,
                    "created_at": row["created_at"],
                    "answered_at": row["answered_at"],
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
