"""The qualification catalogue: read from a TOML data file into ``QualificationType`` rows."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from wirnet.extensions import db
from wirnet.volunteers.models import QualificationCategory, QualificationType

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "qualifications.toml"
FIELDS = (
    "category",
    "validity_months",
    "evidence_required",
    "renewal_window_days",
    "grace_days",
    "police_clearance",
    "names",
)


class CatalogueError(ValueError):
    """The data file is malformed; the message names the entry and the problem."""


def read_catalogue(path: str | Path = DEFAULT_FILE) -> list[dict[str, Any]]:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    entries = []
    for position, raw in enumerate(data.get("qualification", [])):
        key = raw.get("key")
        if not key:
            raise CatalogueError(f"entry {position + 1}: no key")
        try:
            category = QualificationCategory(raw.get("category"))
        except ValueError:
            raise CatalogueError(f"{key}: category must be language, health or general") from None
        names = dict(raw.get("names", {}))
        if "en" not in names:
            raise CatalogueError(f"{key}: needs at least an English name (names.en)")
        validity = raw.get("validity_months")
        if validity is not None and (not isinstance(validity, int) or validity <= 0):
            raise CatalogueError(f"{key}: validity_months must be a positive whole number")
        entries.append(
            {
                "key": key,
                "category": category,
                "validity_months": validity,
                "evidence_required": bool(raw.get("evidence_required", False)),
                "renewal_window_days": int(raw.get("renewal_window_days", 60)),
                "grace_days": int(raw.get("grace_days", 0)),
                "police_clearance": bool(raw.get("police_clearance", False)),
                "names": names,
                "position": position,
            }
        )
    return entries


def load_catalogue(path: str | Path = DEFAULT_FILE) -> int:
    """Insert or update the types from ``path``; returns how many changed. Types missing
    from the file are kept (qualifications refer to them) but no longer offered."""
    existing = {t.key: t for t in db.session.scalars(select(QualificationType))}
    seen: set[str] = set()
    changed = 0
    for entry in read_catalogue(path):
        seen.add(entry["key"])
        current = existing.get(entry["key"])
        if current is None:
            db.session.add(QualificationType(active=True, **entry))
            changed += 1
            continue
        values = {name: entry[name] for name in (*FIELDS, "position")}
        if any(getattr(current, name) != value for name, value in values.items()) or (
            not current.active
        ):
            for name, value in values.items():
                setattr(current, name, value)
            current.active = True
            changed += 1
    for key, current in existing.items():
        if key not in seen and current.active:
            current.active = False
            changed += 1
    db.session.flush()
    return changed


def type_name(qualification_type: QualificationType, locale: str) -> str:
    """The type's name in ``locale``, else in its language, else English."""
    names = qualification_type.names or {}
    language = locale.split("_")[0].split("-")[0]
    return names.get(locale) or names.get(language) or names.get("en") or qualification_type.key


def active_types() -> list[QualificationType]:
    return list(
        db.session.scalars(
            select(QualificationType)
            .where(QualificationType.active)
            .order_by(QualificationType.position)
        )
    )
