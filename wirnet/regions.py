"""Municipalities of the centre's region, loaded from a CSV data file.

The Landkreis Kassel ships in ``wirnet/data/regions/``; another WIR centre points
``WIRNET_REGION_FILE`` at its own file of the same format.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Float, String, select
from sqlalchemy.orm import Mapped, mapped_column

from wirnet.extensions import db


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Amtlicher Gemeindeschlüssel, the official eight-digit municipality key.
    ags: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class MunicipalityRow:
    ags: str
    name: str
    kind: str
    lat: float
    lon: float


def read_region_file(path: str | Path) -> list[MunicipalityRow]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            MunicipalityRow(
                ags=row["ags"].strip(),
                name=row["name"].strip(),
                kind=row["kind"].strip(),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(handle)
        ]


def municipality_names() -> list[str]:
    return list(db.session.scalars(select(Municipality.name).order_by(Municipality.name)))


def load_municipalities(path: str | Path) -> int:
    """Insert or update the municipalities from ``path``; returns how many changed."""
    existing = {m.ags: m for m in db.session.scalars(select(Municipality))}
    changed = 0
    for row in read_region_file(path):
        current = existing.get(row.ags)
        if current is None:
            db.session.add(Municipality(**row.__dict__))
            changed += 1
            continue
        if (current.name, current.kind, current.lat, current.lon) != (
            row.name,
            row.kind,
            row.lat,
            row.lon,
        ):
            current.name, current.kind = row.name, row.kind
            current.lat, current.lon = row.lat, row.lon
            changed += 1
    db.session.flush()
    return changed
