"""Demo data: the region, the qualification catalogue, an admin, coordinators, organisation
members and volunteers with profiles; then organisations, requests and projects
(:mod:`wirnet.demo_activity`).

Every demo account has the password ``wirnet-demo``. Loading twice changes nothing; the
same ``seed`` gives the same volunteers (names, languages, qualifications, slots …; dates
are counted from today, so that some qualifications are always about to expire).

Volunteer number *n* is drawn from its own random generator (seeded with the seed and
*n*), so it is the same whether 12 or 10,000 are loaded. The volunteers are written with
bulk INSERTs and the one demo password is hashed once: 10,000 load in seconds.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import insert, select

from wirnet import audit
from wirnet.audit import AuditEntry
from wirnet.auth import passwords, services
from wirnet.auth.models import Consent, ConsentKind, User
from wirnet.demo_activity import load_activity
from wirnet.extensions import db
from wirnet.regions import Municipality, load_municipalities
from wirnet.roles import Role
from wirnet.volunteers.catalogue import load_catalogue
from wirnet.volunteers.models import (
    LEVEL_RANK,
    Absence,
    AvailabilitySlot,
    Gender,
    LanguageLevel,
    LanguageSkill,
    LevelSource,
    MediationMode,
    MediationSetting,
    Mobility,
    Qualification,
    QualificationState,
    QualificationType,
    Topic,
    VolunteerProfile,
    VolunteerStatus,
)
from wirnet.volunteers.qualifications import add_months, compute_expiry

DEMO_PASSWORD = "wirnet-demo"  # noqa: S105 - documented in the README, demo only

#: (e-mail, name, role, locale): the fixed log-ins the README lists.
FIXED_ACCOUNTS = [
    ("admin@example.org", "Sabine Hartmann", Role.ADMIN, "de"),
    ("coordinator@example.org", "Leyla Aydın", Role.COORDINATOR, "de"),
    ("coordinator2@example.org", "Jonas Becker", Role.COORDINATOR, "de"),
    ("org@example.org", "Semhar Tesfay", Role.ORG_MEMBER, "de"),
    ("org2@example.org", "Mariam Rahimi", Role.ORG_MEMBER, "de"),
    # A member who is not an org admin, and the admin of an organisation still pending.
    ("org3@example.org", "Katrin Vogel", Role.ORG_MEMBER, "de"),
    ("org4@example.org", "Farid Sultani", Role.ORG_MEMBER, "de"),
    ("volunteer@example.org", "Rana Al-Khatib", Role.VOLUNTEER, "ar"),
]
DEMO_VOLUNTEER = "volunteer@example.org"

L = LanguageLevel


@dataclass(frozen=True)
class Background:
    """A community of the county: names, the languages people of it usually speak (each
    ``(code, chance, levels)``: ``levels`` to draw from), and their account language."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    languages: tuple[tuple[str, float, tuple[LanguageLevel, ...]], ...]
    locales: tuple[str, ...] = ("de",)
    weight: int = 1


GERMAN_B = (L.A2, L.B1, L.B2, L.B2, L.C1)
GERMAN_GOOD = (L.B2, L.C1, L.C1, L.C2)
SOME = (L.A2, L.B1, L.B1, L.B2)
GOOD = (L.B2, L.C1, L.C1, L.C2)
NATIVE = (L.NATIVE,)

#: Roughly the county's volunteers: Germans and people from the communities the centre
#: serves, many of whom came as refugees themselves (Syria, Afghanistan, Eritrea, Ukraine).
BACKGROUNDS: dict[str, Background] = {
    "german": Background(
        ("Katrin", "Thomas", "Anna", "Lukas", "Sabine", "Jürgen", "Monika", "Felix", "Lea", "Ute"),
        ("Müller", "Schmidt", "Wagner", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter"),
        (
            ("de", 1, NATIVE),
            ("en", 0.85, (L.B1, L.B2, L.C1, L.C1)),
            ("fr", 0.3, (L.A2, L.B1, L.B2)),
            ("es", 0.12, (L.A2, L.B1)),
            ("ar", 0.06, (L.A1, L.A2, L.B1)),
            ("ru", 0.06, (L.A2, L.B1)),
            ("tr", 0.04, (L.A2, L.B1)),
        ),
        weight=30,
    ),
    "syrian": Background(
        ("Ahmad", "Amal", "Yousef", "Nour", "Rana", "Omar", "Lina", "Khaled", "Rasha", "Hussam"),
        ("Haddad", "Al-Masri", "Khoury", "Hamdan", "Darwish", "Al-Halabi", "Suleiman"),
        (
            ("ar-SY", 1, NATIVE),
            ("ku", 0.2, NATIVE),
            ("de", 1, GERMAN_B),
            ("en", 0.55, SOME),
            ("fr", 0.08, (L.A2, L.B1)),
        ),
        locales=("ar", "ar", "de", "en"),
        weight=14,
    ),
    "iraqi": Background(
        ("Ali", "Zainab", "Mustafa", "Huda", "Haider", "Shilan", "Karwan", "Dilan"),
        ("Al-Jaburi", "Hassan", "Kareem", "Rashid", "Barzani", "Ahmed"),
        (
            ("ar-IQ", 1, NATIVE),
            ("ckb", 0.3, NATIVE),
            ("ku", 0.15, GOOD),
            ("de", 1, GERMAN_B),
            ("en", 0.35, SOME),
        ),
        locales=("ar", "de"),
        weight=4,
    ),
    "afghan_dari": Background(
        ("Farid", "Zahra", "Hamid", "Shabnam", "Mahbooba", "Sohail", "Parwana", "Wahid"),
        ("Sultani", "Ahmadi", "Noori", "Rahimi", "Habibi", "Karimi", "Mohammadi"),
        (
            ("fa-AF", 1, NATIVE),
            ("ps", 0.4, (L.B1, L.B2, L.C1)),
            ("de", 1, GERMAN_B),
            ("en", 0.4, SOME),
            ("ur", 0.05, (L.A2, L.B1)),
        ),
        locales=("de", "en"),
        weight=9,
    ),
    "afghan_pashto": Background(
        ("Gul", "Nazia", "Khan", "Malalai", "Samiullah", "Zarghuna"),
        ("Wardak", "Popal", "Zazai", "Safi", "Mangal"),
        (
            ("ps", 1, NATIVE),
            ("fa-AF", 0.75, GOOD),
            ("de", 1, (L.A2, L.B1, L.B2)),
            ("en", 0.2, SOME),
        ),
        locales=("de", "en"),
        weight=3,
    ),
    "iranian": Background(
        ("Maryam", "Reza", "Shirin", "Behnam", "Parisa", "Arash"),
        ("Hosseini", "Tehrani", "Moradi", "Jafari", "Rostami"),
        (("fa", 1, NATIVE), ("de", 1, GERMAN_GOOD), ("en", 0.8, GOOD), ("fr", 0.1, SOME)),
        locales=("de", "en"),
        weight=3,
    ),
    "eritrean": Background(
        ("Yonas", "Helen", "Tesfalem", "Semhar", "Filmon", "Selam", "Dawit", "Luwam"),
        ("Gebremedhin", "Tekle", "Tesfay", "Berhane", "Habte", "Kidane"),
        (
            ("ti", 1, NATIVE),
            ("tig", 0.2, (L.B2, L.C1, L.NATIVE)),
            ("ar", 0.3, (L.A2, L.B1, L.B2)),
            ("am", 0.25, (L.B1, L.B2)),
            ("de", 1, (L.A2, L.B1, L.B1, L.B2)),
            ("en", 0.55, SOME),
        ),
        locales=("de", "en"),
        weight=6,
    ),
    "ukrainian": Background(
        ("Olena", "Andrii", "Iryna", "Mykola", "Oksana", "Yulia", "Serhii", "Natalia"),
        ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko"),
        (
            ("uk", 1, NATIVE),
            ("ru", 0.85, (L.C1, L.C2, L.NATIVE)),
            ("de", 1, (L.A1, L.A2, L.B1, L.B1, L.B2)),
            ("en", 0.5, SOME),
            ("pl", 0.1, (L.A2, L.B1)),
        ),
        locales=("de", "en"),
        weight=10,
    ),
    "russian_german": Background(
        ("Irina", "Alexander", "Swetlana", "Viktor", "Natalja", "Eugen"),
        ("Becker", "Schneider", "Fischer", "Wolf", "Neumann", "Braun"),
        (("ru", 1, NATIVE), ("de", 1, (L.C2, L.NATIVE)), ("uk", 0.2, SOME), ("en", 0.3, SOME)),
        weight=4,
    ),
    "turkish": Background(
        ("Ayşe", "Mehmet", "Elif", "Emre", "Zeynep", "Murat", "Derya", "Hakan"),
        ("Yılmaz", "Demir", "Şahin", "Kaya", "Çelik", "Öztürk", "Arslan"),
        (
            ("tr", 1, (L.NATIVE, L.NATIVE, L.C1)),
            ("de", 1, (L.C1, L.C2, L.NATIVE)),
            ("ku", 0.15, SOME),
            ("en", 0.5, SOME),
        ),
        weight=7,
    ),
    "kurdish": Background(
        ("Berivan", "Rojda", "Dilan", "Serhat", "Rojin", "Azad", "Zozan"),
        ("Amedi", "Baran", "Doğan", "Kurt", "Aslan", "Xelil"),
        (
            ("ku", 1, NATIVE),
            ("tr", 0.6, GOOD),
            ("ar-SY", 0.35, GOOD),
            ("de", 1, GERMAN_GOOD),
            ("en", 0.3, SOME),
        ),
        locales=("de", "ar"),
        weight=4,
    ),
    "polish": Background(
        ("Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena"),
        ("Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Zielińska"),
        (("pl", 1, NATIVE), ("de", 1, GERMAN_GOOD), ("en", 0.4, SOME), ("ru", 0.1, SOME)),
        weight=3,
    ),
    "romanian": Background(
        ("Andreea", "Mihai", "Ioana", "Florin", "Elena"),
        ("Popescu", "Ionescu", "Constantin", "Stan", "Dumitru"),
        (("ro", 1, NATIVE), ("de", 1, GERMAN_B), ("it", 0.2, SOME), ("en", 0.5, SOME)),
        weight=3,
    ),
    "maghreb": Background(
        ("Youssef", "Fatima", "Karim", "Samira", "Mehdi"),
        ("El Amrani", "Benali", "Bouzid", "Tazi"),
        (("ar-MA", 1, NATIVE), ("fr", 0.9, GOOD), ("de", 1, GERMAN_B), ("es", 0.1, SOME)),
        locales=("de", "ar"),
        weight=2,
    ),
    "egyptian": Background(
        ("Mona", "Tarek", "Heba", "Sherif"),
        ("Mansour", "Fahmy", "Saleh", "Nasser"),
        (("ar-EG", 1, NATIVE), ("en", 0.8, GOOD), ("de", 1, GERMAN_B)),
        locales=("ar", "de", "en"),
        weight=1,
    ),
    "somali": Background(
        ("Hodan", "Abdi", "Faadumo", "Mahad"),
        ("Warsame", "Farah", "Hassan", "Jama"),
        (("so", 1, NATIVE), ("ar", 0.4, SOME), ("de", 1, (L.A2, L.B1, L.B2)), ("en", 0.5, SOME)),
        locales=("de", "en"),
        weight=1,
    ),
}
_BACKGROUND_NAMES = list(BACKGROUNDS)
_BACKGROUND_WEIGHTS = [BACKGROUNDS[name].weight for name in _BACKGROUND_NAMES]

STATUSES = [
    (VolunteerStatus.ACTIVE, 72),
    (VolunteerStatus.APPLICANT, 16),
    (VolunteerStatus.PAUSED, 9),
    (VolunteerStatus.LEFT, 3),
]
#: Qualification key → the share of volunteers who claim it (mediators: of those who mediate).
QUALIFICATION_SHARES = {
    "data_secrecy": 0.55,
    "language_mediation_basic": 0.5,
    "language_mediation_health": 0.18,
    "health_guide": 0.08,
    "first_aid": 0.25,
    "police_clearance": 0.35,
    "intercultural": 0.2,
    "trauma_sensitive": 0.1,
}
MEDIATOR_ONLY = frozenset({"language_mediation_basic", "language_mediation_health"})
ABOUT = (
    "<p>Ich helfe gern bei Arztbesuchen und Behördengängen.</p>",
    "<p>Ich spiele Fußball und begleite gern Jugendliche.</p>",
    "<p>I like to help families with school and kindergarten questions.</p>",
    "<p>أساعد بكل سرور في المواعيد الطبية وفي المدرسة.</p>",
    None,
    None,
)
#: How a learnt language's level is known: mostly said, sometimes a certificate or a test.
LEVEL_SOURCES = (
    LevelSource.SELF_DECLARED,
    LevelSource.SELF_DECLARED,
    LevelSource.CERTIFICATE,
    LevelSource.TESTED,
)
NOTES_REJECTED = "Nachweis nicht lesbar; bitte Original mitbringen."


@dataclass
class VolunteerSpec:
    """One generated volunteer, before it has ids."""

    number: int
    email: str
    name: str
    locale: str
    profile: dict[str, Any]
    languages: list[dict[str, Any]] = field(default_factory=list)
    qualifications: list[dict[str, Any]] = field(default_factory=list)
    slots: list[dict[str, Any]] = field(default_factory=list)
    absences: list[dict[str, Any]] = field(default_factory=list)


def demo_email(number: int) -> str:
    return f"volunteer{number:03d}@example.org"


def _pick_subset(rng: random.Random, options: list, chances: dict) -> list[str]:
    return [option.value for option in options if rng.random() < chances.get(option, 0.5)]


def _languages(rng: random.Random, background: Background) -> list[dict[str, Any]]:
    skills = []
    for code, chance, levels in background.languages:
        if rng.random() >= chance:
            continue
        level = rng.choice(levels)
        mediates = code != "de" and level in (L.NATIVE, L.C2, L.C1) and rng.random() < 0.7
        modes = settings = []
        if mediates:
            modes = _pick_subset(
                rng,
                list(MediationMode),
                {MediationMode.ON_SITE: 0.9, MediationMode.PHONE: 0.6, MediationMode.VIDEO: 0.3},
            ) or [MediationMode.ON_SITE.value]
            settings = _pick_subset(
                rng,
                list(MediationSetting),
                {
                    MediationSetting.EVERYDAY: 0.85,
                    MediationSetting.HEALTH: 0.4,
                    MediationSetting.AUTHORITIES: 0.5,
                    MediationSetting.SCHOOL_CHILDCARE: 0.4,
                    MediationSetting.WORK: 0.3,
                },
            ) or [MediationSetting.EVERYDAY.value]
        source = LevelSource.SELF_DECLARED if level is L.NATIVE else rng.choice(LEVEL_SOURCES)
        skills.append(
            {
                "code": code,
                "level": level,
                "level_rank": LEVEL_RANK[level],
                "level_source": source,
                "mediates": mediates,
                "modes": modes,
                "settings": settings,
            }
        )
    return skills


def _qualification(
    rng: random.Random,
    kind: QualificationType,
    status: VolunteerStatus,
    today: date,
    coordinator_id: int | None,
) -> dict[str, Any]:
    validity = kind.validity_months
    if validity is not None and rng.random() < 0.12:
        # About to expire: in the next 60 days.
        expires_on = today + timedelta(days=rng.randint(1, 60))
        obtained_on = add_months(expires_on + timedelta(days=1), -validity)
    elif validity is not None:
        earliest = add_months(today, -validity) + timedelta(days=61)
        obtained_on = earliest + timedelta(days=rng.randint(0, max(0, (today - earliest).days)))
    else:
        obtained_on = today - timedelta(days=rng.randint(30, 6 * 365))
    obtained_on = min(obtained_on, today)
    roll = rng.random()
    if status is VolunteerStatus.APPLICANT:
        state = QualificationState.CLAIMED if roll < 0.8 else QualificationState.VERIFIED
    else:
        state = (
            QualificationState.VERIFIED
            if roll < 0.72
            else QualificationState.CLAIMED
            if roll < 0.95
            else QualificationState.REJECTED
        )
    if kind.police_clearance and state is QualificationState.REJECTED:
        state = QualificationState.CLAIMED  # a rejection would mean a relevant entry
    row: dict[str, Any] = {
        "type_id": kind.id,
        "state": state,
        "obtained_on": obtained_on,
        "expires_on": compute_expiry(obtained_on, validity),
        "evidence_seen_on": None,
        "evidence_dated": None,
        "evidence_seen_by_id": None,
        "relevant_entry": None,
        "note": None,
        "decided_by_id": None,
        "decided_at": None,
    }
    if state is not QualificationState.CLAIMED:
        seen_on = min(today, obtained_on + timedelta(days=rng.randint(1, 60)))
        row.update(
            evidence_seen_on=seen_on,
            evidence_dated=obtained_on,
            evidence_seen_by_id=coordinator_id,
            relevant_entry=False if kind.police_clearance else None,
            decided_by_id=coordinator_id,
            decided_at=datetime.combine(seen_on, time(10, 0), tzinfo=UTC),
            note=NOTES_REJECTED if state is QualificationState.REJECTED else None,
        )
    return row


def _slots(rng: random.Random) -> list[dict[str, Any]]:
    slots = []
    for weekday in sorted(rng.sample(range(7), rng.choice([0, 1, 2, 2, 3, 3, 4]))):
        start = rng.choice([8, 9, 10, 13, 14, 15, 16, 17])
        length = rng.choice([2, 3, 3, 4])
        slots.append(
            {
                "weekday": weekday,
                "starts_at": time(start, rng.choice([0, 30])),
                "ends_at": time(min(21, start + length), 0),
            }
        )
    return slots


def make_volunteer(
    seed: int,
    number: int,
    *,
    today: date,
    municipality_ids: list[int],
    kinds: dict[str, QualificationType],
    coordinator_id: int | None,
) -> VolunteerSpec:
    """Volunteer ``number`` of ``seed``: the same every time."""
    rng = random.Random(f"wirnet-demo:{seed}:{number}")
    background = BACKGROUNDS[rng.choices(_BACKGROUND_NAMES, _BACKGROUND_WEIGHTS)[0]]
    name = f"{rng.choice(background.first_names)} {rng.choice(background.last_names)}"
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    languages = _languages(rng, background)
    mediator = any(skill["mediates"] for skill in languages)
    topics = [t.value for t in Topic if rng.random() < 0.3]
    if mediator:
        topics = [Topic.LANGUAGE_MEDIATION.value] + [
            t for t in topics if t != Topic.LANGUAGE_MEDIATION.value
        ]
    intake = status is not VolunteerStatus.APPLICANT or rng.random() < 0.3
    profile = {
        "status": status,
        "paused_until": (
            today + timedelta(days=rng.randint(7, 120))
            if status is VolunteerStatus.PAUSED and rng.random() < 0.6
            else None
        ),
        "phone": f"+49 {rng.choice(['561', '5671', '5606', '151', '160', '176'])} "
        f"{rng.randint(100000, 9999999)}"
        if rng.random() < 0.75
        else None,
        "municipality_id": rng.choice(municipality_ids) if municipality_ids else None,
        "mobility": rng.choices(list(Mobility), [2, 3, 6, 5])[0],
        "max_distance_km": rng.choice([3, 5, 10, 15, 20, 25, 30, 50]),
        "topics": topics or [Topic.LEISURE_SPORT.value],
        "gender": rng.choices([None, Gender.FEMALE, Gender.MALE, Gender.DIVERSE], [3, 5, 4, 0.2])[
            0
        ],
        "about": rng.choice(ABOUT),
        "in_directory": rng.random() < 0.5,
        "on_call": rng.random() < 0.3,
        "intake_done_at": (
            datetime.combine(today - timedelta(days=rng.randint(10, 900)), time(11), tzinfo=UTC)
            if intake
            else None
        ),
        "intake_by_id": coordinator_id if intake else None,
    }
    qualifications = []
    for key, share in QUALIFICATION_SHARES.items():
        kind = kinds.get(key)
        if kind is None or (key in MEDIATOR_ONLY and not mediator) or rng.random() >= share:
            continue
        qualifications.append(_qualification(rng, kind, status, today, coordinator_id))
    absences = []
    if rng.random() < 0.15:
        starts_on = today + timedelta(days=rng.randint(-10, 90))
        absences.append(
            {"starts_on": starts_on, "ends_on": starts_on + timedelta(days=rng.randint(2, 21))}
        )
    return VolunteerSpec(
        number=number,
        email=demo_email(number),
        name=name,
        locale=rng.choice(background.locales),
        profile=profile,
        languages=languages,
        qualifications=qualifications,
        slots=_slots(rng) if status is not VolunteerStatus.LEFT else [],
        absences=absences,
    )


def _add_user(
    existing: set[str], email: str, name: str, role: Role, locale: str, password_hash: str
) -> bool:
    if email in existing:
        return False
    user = services.create_user(
        email=email, password_hash=password_hash, display_name=name, role=role, locale=locale
    )
    services.give_consent(user, current_app.config["PRIVACY_NOTICE_VERSION"])
    return True


def _complete_demo_volunteer(
    kinds: dict[str, QualificationType], coordinator_id: int | None, today: date
) -> int:
    """volunteer@example.org: a full profile to show every page with data. 1 if created."""
    user = User.by_email(DEMO_VOLUNTEER)
    if user is None or db.session.scalar(
        select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id)
    ):
        return 0
    baunatal = db.session.scalar(select(Municipality.id).where(Municipality.name == "Baunatal"))
    now = datetime.now(UTC)
    profile = VolunteerProfile(
        user_id=user.id,
        status=VolunteerStatus.ACTIVE,
        phone="+49 561 555 0142",
        municipality_id=baunatal,
        mobility=Mobility.PUBLIC_TRANSPORT,
        max_distance_km=20,
        topics=[Topic.LANGUAGE_MEDIATION.value, Topic.HEALTH.value, Topic.AUTHORITIES.value],
        gender=Gender.FEMALE,
        about="<p>Ich bin Apothekerin aus Damaskus und begleite gern zu Arztterminen.</p>",
        in_directory=True,
        on_call=True,
        intake_done_at=now - timedelta(days=200),
        intake_by_id=coordinator_id,
    )

    def skill(code, level, source, mediates=False, modes=(), settings=()):
        return LanguageSkill(
            code=code,
            level=level,
            level_rank=LEVEL_RANK[level],
            level_source=source,
            mediates=mediates,
            modes=[m.value for m in modes],
            settings=[s.value for s in settings],
        )

    profile.languages = [
        skill(
            "ar-SY",
            L.NATIVE,
            LevelSource.SELF_DECLARED,
            True,
            (MediationMode.ON_SITE, MediationMode.PHONE),
            (MediationSetting.HEALTH, MediationSetting.AUTHORITIES, MediationSetting.EVERYDAY),
        ),
        skill("de", L.C1, LevelSource.CERTIFICATE),
        skill("en", L.B2, LevelSource.SELF_DECLARED),
    ]
    verified = {
        "state": QualificationState.VERIFIED,
        "evidence_seen_by_id": coordinator_id,
        "decided_by_id": coordinator_id,
        "decided_at": now - timedelta(days=190),
    }
    plan = [
        ("language_mediation_basic", today - timedelta(days=400), verified),
        ("data_secrecy", today - timedelta(days=200), verified),
        ("police_clearance", today - timedelta(days=210), verified | {"relevant_entry": False}),
        # Expires within the renewal window: the reminder and the "expiring" list show it.
        ("health_guide", add_months(today + timedelta(days=31), -36), verified),
        ("first_aid", today - timedelta(days=30), {"state": QualificationState.CLAIMED}),
    ]
    for key, obtained_on, extra in plan:
        kind = kinds.get(key)
        if kind is None:
            continue
        values = dict(extra)
        if values["state"] is QualificationState.VERIFIED:
            values |= {"evidence_seen_on": obtained_on, "evidence_dated": obtained_on}
        profile.qualifications.append(
            Qualification(
                type=kind,
                obtained_on=obtained_on,
                expires_on=compute_expiry(obtained_on, kind.validity_months),
                **values,
            )
        )
    profile.slots = [
        AvailabilitySlot(weekday=0, starts_at=time(9), ends_at=time(12)),
        AvailabilitySlot(weekday=2, starts_at=time(14), ends_at=time(18)),
        AvailabilitySlot(weekday=5, starts_at=time(10), ends_at=time(13)),
    ]
    profile.absences = [
        Absence(starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=37))
    ]
    db.session.add(profile)
    db.session.flush()
    audit.record("volunteer.profile_created", obj=profile, source="demo")
    return 1


def _bulk(model, rows: list[dict[str, Any]]) -> None:
    """One executemany of the table's INSERT (Core: the ORM's bulk path would run one
    statement per row for some of these tables)."""
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _ids_by_email(emails: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(emails):
        found.update(
            db.session.execute(select(User.email, User.id).where(User.email.in_(chunk))).all()
        )
    return found


def _profile_ids(user_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(user_ids):
        found.update(
            db.session.execute(
                select(VolunteerProfile.user_id, VolunteerProfile.id).where(
                    VolunteerProfile.user_id.in_(chunk)
                )
            ).all()
        )
    return found


def load_volunteers(
    count: int,
    seed: int,
    *,
    password_hash: str,
    today: date,
    coordinator_id: int | None,
) -> int:
    """Volunteers 1…``count`` of ``seed``, those missing (account or profile); returns how
    many records were created (accounts plus profiles)."""
    kinds = {kind.key: kind for kind in db.session.scalars(select(QualificationType))}
    municipality_ids = list(db.session.scalars(select(Municipality.id).order_by(Municipality.ags)))
    specs = [
        make_volunteer(
            seed,
            number,
            today=today,
            municipality_ids=municipality_ids,
            kinds=kinds,
            coordinator_id=coordinator_id,
        )
        for number in range(1, count + 1)
    ]
    emails = [spec.email for spec in specs]
    user_ids: dict[str, int] = {}
    not_volunteers: set[str] = set()  # an address of the scheme may belong to anyone
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for email, user_id, role in db.session.execute(
            select(User.email, User.id, User.role).where(User.email.in_(chunk))
        ):
            user_ids[email] = user_id
            if role is not Role.VOLUNTEER:
                not_volunteers.add(email)
    with_profile = set(
        db.session.scalars(
            select(VolunteerProfile.user_id).where(
                VolunteerProfile.user_id.in_(select(User.id).where(User.email.like("volunteer%")))
            )
        )
    )

    now = datetime.now(UTC)
    new_users = [spec for spec in specs if spec.email not in user_ids]
    if new_users:
        rows = [
            {
                "email": spec.email,
                "password_hash": password_hash,
                "display_name": spec.name,
                "locale": spec.locale,
                "role": Role.VOLUNTEER,
                "active": True,
                "email_confirmed_at": now,
                "session_token": secrets.token_urlsafe(32),
                "session_token_issued_at": now,
                "created_at": now,
            }
            for spec in new_users
        ]
        # Plain executemany, then the ids read back: INSERT … RETURNING with its rows in
        # parameter order falls back to one statement per row on SQLite (minutes for 10,000).
        _bulk(User, rows)
        created_ids = _ids_by_email([spec.email for spec in new_users])
        user_ids.update(created_ids)
        notice = current_app.config["PRIVACY_NOTICE_VERSION"]
        _bulk(
            Consent,
            [
                {
                    "user_id": user_id,
                    "kind": ConsentKind.PRIVACY_NOTICE.value,
                    "notice_version": notice,
                    "given_at": now,
                }
                for user_id in created_ids.values()
            ],
        )
        _bulk(
            AuditEntry,
            [
                {
                    "at": now,
                    "action": "user.created",
                    "object_type": User.__tablename__,
                    "object_id": user_id,
                    "details": {"role": Role.VOLUNTEER.value, "source": "demo"},
                }
                for user_id in created_ids.values()
            ],
        )

    missing = [
        spec
        for spec in specs
        if spec.email not in not_volunteers and user_ids[spec.email] not in with_profile
    ]
    if missing:
        _bulk(
            VolunteerProfile,
            [
                {"user_id": user_ids[spec.email], "created_at": now, "updated_at": now}
                | spec.profile
                for spec in missing
            ],
        )
        profile_ids = _profile_ids([user_ids[spec.email] for spec in missing])
        languages, qualifications, slots, absences = [], [], [], []
        for spec in missing:
            profile_id = profile_ids[user_ids[spec.email]]
            languages += [{"profile_id": profile_id} | row for row in spec.languages]
            qualifications += [
                {"profile_id": profile_id, "created_at": now} | row for row in spec.qualifications
            ]
            slots += [{"profile_id": profile_id} | row for row in spec.slots]
            absences += [{"profile_id": profile_id} | row for row in spec.absences]
        _bulk(LanguageSkill, languages)
        _bulk(Qualification, qualifications)
        _bulk(AvailabilitySlot, slots)
        _bulk(Absence, absences)
    db.session.flush()
    return len(new_users) + len(missing)


def load_demo_data(*, volunteers: int = 12, seed: int = 2026, requests: int = 40) -> int:
    """Create what is missing; returns the number of records created or updated.

    After the accounts and volunteers: the organisations, ``requests`` requests (and a
    weekly series) and the local projects (:mod:`wirnet.demo_activity`).
    """
    today = date.today()
    created = load_municipalities(current_app.config["REGION_FILE"])
    created += load_catalogue()
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    existing = set(db.session.scalars(select(User.email)))
    for email, name, role, locale in FIXED_ACCOUNTS:
        created += _add_user(existing, email, name, role, locale, password_hash)
    db.session.flush()
    coordinator_id = db.session.scalar(
        select(User.id).where(User.email == "coordinator@example.org")
    )
    kinds = {kind.key: kind for kind in db.session.scalars(select(QualificationType))}
    created += _complete_demo_volunteer(kinds, coordinator_id, today)
    created += load_volunteers(
        volunteers, seed, password_hash=password_hash, today=today, coordinator_id=coordinator_id
    )
    created += load_activity(requests=requests, seed=seed, today=today)
    return created
