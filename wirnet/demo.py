"""Demo data: the region, an admin, coordinators, organisation members and volunteers.

Every demo account has the password ``wirnet-demo``. Loading twice changes nothing.
"""

from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import select

from wirnet.auth import passwords, services
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.regions import load_municipalities
from wirnet.roles import Role

DEMO_PASSWORD = "wirnet-demo"  # noqa: S105 - documented in the README, demo only

#: (e-mail, name, role, locale): the fixed log-ins the README lists.
FIXED_ACCOUNTS = [
    ("admin@example.org", "Sabine Hartmann", Role.ADMIN, "de"),
    ("coordinator@example.org", "Leyla Aydın", Role.COORDINATOR, "de"),
    ("coordinator2@example.org", "Jonas Becker", Role.COORDINATOR, "de"),
    ("org@example.org", "Semhar Tesfay", Role.ORG_MEMBER, "de"),
    ("org2@example.org", "Mariam Rahimi", Role.ORG_MEMBER, "de"),
    ("volunteer@example.org", "Rana Al-Khatib", Role.VOLUNTEER, "ar"),
]

#: Names from the communities the centre serves (Syrian, Afghan, Eritrean, Ukrainian,
#: Turkish, Kurdish and German families of the county).
FIRST_NAMES = [
    "Ahmad",
    "Amal",
    "Yousef",
    "Nour",
    "Farid",
    "Zahra",
    "Hamid",
    "Shabnam",
    "Yonas",
    "Helen",
    "Tesfalem",
    "Olena",
    "Andrii",
    "Iryna",
    "Mykola",
    "Ayşe",
    "Mehmet",
    "Elif",
    "Berivan",
    "Rojda",
    "Dilan",
    "Katrin",
    "Thomas",
    "Anna",
    "Lukas",
    "Fatima",
    "Omar",
]
LAST_NAMES = [
    "Haddad",
    "Al-Masri",
    "Sultani",
    "Ahmadi",
    "Noori",
    "Gebremedhin",
    "Tekle",
    "Kovalenko",
    "Shevchenko",
    "Bondarenko",
    "Yılmaz",
    "Demir",
    "Şahin",
    "Amedi",
    "Baran",
    "Müller",
    "Schmidt",
    "Wagner",
    "Kaya",
    "Habibi",
]


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


def load_demo_data(*, volunteers: int = 12, seed: int = 2026) -> int:
    """Create what is missing; returns the number of records created or updated."""
    rng = random.Random(seed)
    created = load_municipalities(current_app.config["REGION_FILE"])
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    existing = set(db.session.scalars(select(User.email)))
    for email, name, role, locale in FIXED_ACCOUNTS:
        created += _add_user(existing, email, name, role, locale, password_hash)
    for number in range(1, volunteers + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        locale = rng.choice(["de", "de", "ar", "en"])
        email = f"volunteer{number:03d}@example.org"
        created += _add_user(existing, email, name, Role.VOLUNTEER, locale, password_hash)
    db.session.flush()
    return created
