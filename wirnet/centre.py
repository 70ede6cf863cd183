"""The centre's own details: contact, imprint (§ 5 DDG), data protection and retention.

They come from a TOML file (``WIRNET_CENTRE_FILE``, by default ``wirnet/data/centre.toml``,
whose values are examples). The file is read once at start-up; a missing or incomplete
file stops the start with a message that names the file and the missing entry.

What the imprint needs, after § 5 DDG (and § 18 MStV): the provider's name and address
(a postal address, not a PO box), for a legal entity its legal form and who represents it,
a way to reach it quickly by e-mail (and phone), the supervisory authority and the VAT
number where there are any, and the person responsible for the content.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_interval
from babel.lists import format_list

from wirnet.config import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CentreFileError(ConfigError):
    """The centre file is missing or does not hold what the pages need."""


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str


@dataclass(frozen=True)
class OpeningHours:
    days: tuple[int, ...]  # 0 = Monday, as Babel counts
    opens: time
    closes: time

    def days_text(self, locale: str) -> str:
        names = Locale.parse(locale).days["format"]["wide"]
        return format_list([names[day] for day in self.days], locale=locale)

    def hours_text(self, locale: str) -> str:
        return format_interval(self.opens, self.closes, "Hm", locale=locale)


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    address: Address | None = None


@dataclass(frozen=True)
class Provider:
    """The provider of the website in the sense of § 5 DDG (for the demo: the county)."""

    name: str
    legal_form: str
    represented_by: str
    address: Address
    email: str
    phone: str
    supervisory_authority: str = ""
    vat_id: str = ""


@dataclass(frozen=True)
class Retention:
    inactive_account_months: int
    closed_request_months: int
    audit_log_months: int


@dataclass(frozen=True)
class Centre:
    example: bool
    address: Address
    phone: str
    email: str
    opening_hours: tuple[OpeningHours, ...]
    provider: Provider
    content_responsible: Person
    data_protection: Person
    retention: Retention


def tel_link(phone: str) -> str:
    """``+49 561 1003-0`` → ``tel:+495611003-0`` → digits only: ``tel:+4956110030``."""
    if not phone:
        return ""
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + re.sub(r"\D", "", phone)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CentreFileError:
        return CentreFileError(f"{self.path}: [{where}] {problem}")

    def table(self, data: dict, key: str, where: str = "") -> dict:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"{where}.{key}" if where else key, "is missing (a table is needed)")
        return value

    def text(self, data: dict, key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise self.fail(where, f"{key} must be text")
        value = value.strip()
        if required and not value:
            raise self.fail(where, f"{key} is missing")
        return value

    def email(self, data: dict, key: str, where: str, *, required: bool = True) -> str:
        value = self.text(data, key, where, required=required)
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise self.fail(where, f"{key} is not an e-mail address: {value!r}")
        return value

    def phone(self, data: dict, key: str, where: str, *, required: bool = True) -> str:
        value = self.text(data, key, where, required=required)
        if value and not re.fullmatch(r"\+?[0-9][0-9 ()/-]{4,}", value):
            raise self.fail(where, f"{key} is not a phone number: {value!r}")
        return value

    def address(self, data: dict, where: str, *, required: bool = True) -> Address | None:
        if not required and not any(data.get(k) for k in ("street", "postcode", "city")):
            return None
        return Address(
            street=self.text(data, "street", where),
            postcode=self.text(data, "postcode", where),
            city=self.text(data, "city", where),
        )

    def months(self, data: dict, key: str, where: str) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 600:
            raise self.fail(where, f"{key} must be a whole number of months (1 to 600)")
        return value

    def opening_hours(self, data: dict, where: str) -> tuple[OpeningHours, ...]:
        rows = data.get("opening_hours", [])
        if not isinstance(rows, list):
            raise self.fail(where, "opening_hours must be a list")
        result = []
        for row in rows:
            if not isinstance(row, dict):
                raise self.fail(where, "each entry of opening_hours must be a table")
            days = row.get("days")
            if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
                raise self.fail(
                    where, f"opening_hours days must be a list of {', '.join(WEEKDAYS)}"
                )
            try:
                opens = time.fromisoformat(str(row.get("opens")))
                closes = time.fromisoformat(str(row.get("closes")))
            except ValueError:
                raise self.fail(
                    where, "opening_hours opens/closes must be times like 09:00"
                ) from None
            if closes <= opens:
                raise self.fail(where, "opening_hours closes must come after opens")
            result.append(OpeningHours(tuple(WEEKDAYS.index(d) for d in days), opens, closes))
        return tuple(result)


def load_centre(path: str | Path) -> Centre:
    """Read and check the centre file; raise :class:`CentreFileError` naming what is wrong."""
    path = Path(path)
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CentreFileError(
            f"{path}: the centre file does not exist (set WIRNET_CENTRE_FILE; "
            "wirnet/data/centre.toml is the example to copy)"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise CentreFileError(f"{path}: not valid TOML: {error}") from None

    read = _Reader(path)
    example = data.get("example", False)
    if not isinstance(example, bool):
        raise read.fail("example", "must be true or false")

    contact = read.table(data, "contact")
    centre_address = read.address(contact, "contact")
    provider = read.table(data, "provider")
    content = read.table(data, "content")
    protection = read.table(data, "data_protection")
    retention = read.table(data, "retention")
    return Centre(
        example=example,
        address=centre_address,
        phone=read.phone(contact, "phone", "contact"),
        email=read.email(contact, "email", "contact"),
        opening_hours=read.opening_hours(contact, "contact"),
        provider=Provider(
            name=read.text(provider, "name", "provider"),
            legal_form=read.text(provider, "legal_form", "provider", required=False),
            represented_by=read.text(provider, "represented_by", "provider"),
            address=read.address(provider, "provider"),
            email=read.email(provider, "email", "provider"),
            phone=read.phone(provider, "phone", "provider", required=False),
            supervisory_authority=read.text(
                provider, "supervisory_authority", "provider", required=False
            ),
            vat_id=read.text(provider, "vat_id", "provider", required=False),
        ),
        content_responsible=Person(
            name=read.text(content, "name", "content"),
            role=read.text(content, "role", "content", required=False),
            address=read.address(content, "content", required=False) or centre_address,
        ),
        data_protection=Person(
            name=read.text(protection, "name", "data_protection"),
            email=read.email(protection, "email", "data_protection"),
            phone=read.phone(protection, "phone", "data_protection", required=False),
            address=read.address(protection, "data_protection", required=False),
        ),
        retention=Retention(
            inactive_account_months=read.months(retention, "inactive_account_months", "retention"),
            closed_request_months=read.months(retention, "closed_request_months", "retention"),
            audit_log_months=read.months(retention, "audit_log_months", "retention"),
        ),
    )
