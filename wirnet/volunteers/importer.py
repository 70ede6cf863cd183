"""Importing a list of existing volunteers from a spreadsheet (CSV or XLSX).

The file
--------
One row per volunteer, the first non-empty row names the columns. Column names are
matched without regard to case, accents, spaces, hyphens or underscores; German names
are understood too. Only ``name`` and ``email`` are required; columns not listed here
are ignored (the preview names them).

==================  ===========================  ===============================================
column              also understood              value
==================  ===========================  ===============================================
``name``            Name, Vor- und Nachname      the display name (at most 120 characters)
``email``           E-Mail, E-Mail-Adresse       the address the invitation goes to
``phone``           Telefon, Handy, Mobil        optional; digits, spaces and ``+ - / ( )``
``municipality``    Gemeinde, Wohnort, Ort       a municipality of the region, by name (case
                                                 and accents do not matter) or by its
                                                 eight-digit key (AGS)
``languages``       Sprachen                     ``code:level`` pairs separated by ``;``, e.g.
                                                 ``ar:native;de:B2;fa-AF:C1``. ``code`` is a
                                                 BCP 47 tag known to CLDR (``ar-SY``, ``fa-AF``,
                                                 ``kmr``, ``ckb``, ``ti``, ``tig``); ``level`` is
                                                 ``native`` (or ``Muttersprache``), ``C2``,
                                                 ``C1``, ``B2``, ``B1``, ``A2`` or ``A1``
``mobility``        Mobilität                    ``foot``, ``bicycle``, ``public_transport`` or
                                                 ``car`` (also: zu Fuß, Fahrrad, ÖPNV, Auto)
``max_distance_km`` Entfernung, Umkreis km       whole kilometres, 0–500
``topics``          Themen                       separated by ``;``: ``language_mediation``,
                                                 ``health``, ``authorities``,
                                                 ``school_childcare``, ``work_jobs``,
                                                 ``leisure_sport``, ``projects`` (German words
                                                 such as Sprachmittlung, Gesundheit, Behörden,
                                                 Schule, Arbeit, Freizeit, Projekte work too)
``on_call``         Rufbereitschaft, kurzfristig ``yes``/``no`` (also ja/nein, x, 1/0, true/false)
``language``        locale, Kontosprache         the language of the account and its e-mails:
                                                 ``de``, ``en`` or ``ar``; empty = German
==================  ===========================  ===============================================

The content decides the format, never the file name: a ZIP archive holding
``xl/workbook.xml`` is read as an Excel workbook (the first sheet, with openpyxl in
read-only mode, cell values rather than formulas); anything else must be text: UTF-8 (with
or without a byte-order mark), UTF-16 with a byte-order mark (Excel's "Unicode text"), or
Windows-1252 as older Excel saves CSV; fields separated by ``;``, ``,`` or a tab, whichever
the header line uses most. At most 5 MB and 5,000 rows.

Nothing is written before the coordinator confirms: the parsed rows wait in an
``ImportBatch``; confirming imports the rows without problems, once, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, select, update

from wirnet import audit
from wirnet.auth import passwords
from wirnet.auth.models import User, normalize_email
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers import languages
from wirnet.volunteers.models import (
    LEVEL_RANK,
    ImportBatch,
    LanguageLevel,
    LanguageSkill,
    Mobility,
    Topic,
    VolunteerProfile,
)

#: The largest file accepted ("5 MB").
MAX_FILE_BYTES = 5 * 1024 * 1024
#: The largest request to the upload page: the file plus the form around it.
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 256 * 1024
MAX_ROWS = 5000
#: A workbook is a ZIP archive: refuse one that would unpack to more than this (zip bombs).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: A preview that nobody confirmed is deleted after this.
BATCH_LIFETIME = timedelta(days=1)

MAX_NAME = 120
MAX_PHONE = 40
MAX_DISTANCE_KM = 500

XLSX_MAGIC = b"PK\x03\x04"


def _key(text: str) -> str:
    """A column name or a value as compared: case, accents, spaces and dashes ignored."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-./()]+", "", text)


#: The documented columns and the names they are also known by (compared with ``_key``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "display name", "full name", "vor- und nachname", "vollständiger name"),
    "email": ("email", "e-mail", "mail", "e-mail address", "e-mail-adresse", "emailadresse"),
    "phone": ("phone", "telephone", "mobile", "telefon", "telefonnummer", "handy", "mobil"),
    "municipality": ("municipality", "gemeinde", "wohnort", "ort", "kommune", "stadt/gemeinde"),
    "languages": ("languages", "sprachen", "sprachkenntnisse"),
    "mobility": ("mobility", "mobilität"),
    "max_distance_km": (
        "max_distance_km",
        "max distance",
        "distance",
        "entfernung",
        "max entfernung km",
        "umkreis km",
        "umkreis",
    ),
    "topics": ("topics", "themen", "interessen"),
    "on_call": ("on_call", "on call", "rufbereitschaft", "kurzfristig"),
    "language": ("language", "locale", "account language", "kontosprache"),
}
REQUIRED_COLUMNS = ("name", "email")
#: The German column names the upload page shows.
GERMAN_NAMES = {
    "name": "Name",
    "email": "E-Mail",
    "phone": "Telefon",
    "municipality": "Gemeinde",
    "languages": "Sprachen",
    "mobility": "Mobilität",
    "max_distance_km": "Entfernung",
    "topics": "Themen",
    "on_call": "Rufbereitschaft",
    "language": "Kontosprache",
}
TOPIC_NAMES = tuple(topic.value for topic in Topic)
_COLUMN_BY_KEY = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}

LEVELS = {_key(level.value): level for level in LanguageLevel} | {
    "muttersprache": LanguageLevel.NATIVE,
    "mothertongue": LanguageLevel.NATIVE,
    "l1": LanguageLevel.NATIVE,
}
MOBILITY = {_key(m.value): m for m in Mobility} | {
    _key(alias): mobility
    for mobility, aliases in {
        Mobility.FOOT: ("on foot", "zu fuß", "fuß", "zu fuss"),
        Mobility.BICYCLE: ("bike", "fahrrad", "rad"),
        Mobility.PUBLIC_TRANSPORT: ("public transport", "öpnv", "bus", "bahn", "bus und bahn"),
        Mobility.CAR: ("auto", "pkw"),
    }.items()
    for alias in aliases
}
TOPICS = {_key(t.value): t for t in Topic} | {
    _key(alias): topic
    for topic, aliases in {
        Topic.LANGUAGE_MEDIATION: ("language mediation", "sprachmittlung", "dolmetschen"),
        Topic.HEALTH: ("gesundheit",),
        Topic.AUTHORITIES: ("behörden", "behördengänge", "ämter"),
        Topic.SCHOOL_CHILDCARE: ("school", "childcare", "schule", "kita", "schule und kita"),
        Topic.WORK_JOBS: ("work", "jobs", "arbeit", "beruf"),
        Topic.LEISURE_SPORT: ("leisure", "sport", "freizeit", "freizeit und sport"),
        Topic.PROJECTS: ("projekte",),
    }.items()
    for alias in aliases
}
YES = frozenset({"yes", "y", "ja", "j", "x", "1", "true", "wahr"})
NO = frozenset({"no", "n", "nein", "0", "false", "falsch", ""})

LIST_SEPARATORS = re.compile(r"[;,|]")
#: C0 and C1 control characters (tab and line breaks included): never stored.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
PHONE = re.compile(r"^\+?[0-9 ()/\-]{3,}$")


class ImportFileError(ValueError):
    """The file cannot be read as a list of volunteers; ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- reading the file ----------------------------------------------------------------


def sniff_format(data: bytes) -> str:
    """``"xlsx"`` or ``"csv"``, from the content alone; ImportFileError when neither."""
    if not data.strip():
        raise ImportFileError("empty")
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    return "csv"


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        if b"\x00" in data:
            raise ImportFileError("not_a_table")
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Text has no control characters but tab and line breaks; binary data has many.
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            raise ImportFileError("not_a_table")
        return text
    raise ImportFileError("not_a_table")


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a text file with their row numbers (the header is row 1)."""
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    rows = []
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, record))
            if number > MAX_ROWS + 50:  # enough to say "too many" without reading it all
                break
    except csv.Error:
        raise ImportFileError("not_a_table") from None
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 25.0 → "25"; a phone number typed as a number
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of the first worksheet with their row numbers."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("damaged_workbook") from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError("not_a_workbook")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("damaged_workbook")

    from openpyxl import load_workbook  # imported here: only uploads need it

    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((number, [_cell_text(value) for value in values]))
                if number > MAX_ROWS + 50:
                    break
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ParseError, …) on bad input
        raise ImportFileError("damaged_workbook") from None
    return rows


def read_table(data: bytes) -> tuple[str, list[tuple[int, list[str]]]]:
    """The format and the rows of an uploaded file."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("too_large")
    kind = sniff_format(data)
    return kind, read_xlsx(data) if kind == "xlsx" else read_csv(data)


# --- checking the rows ---------------------------------------------------------------


@dataclass
class Parsed:
    kind: str
    rows: list[dict[str, Any]]
    #: Header cells that are no documented column (shown in the preview).
    ignored_columns: list[str] = field(default_factory=list)


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", CONTROL.sub(" ", value)).strip()


def _map_header(header: list[str]) -> tuple[dict[int, str], list[str]]:
    positions: dict[int, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        name = _clean(cell)
        if not name:
            continue
        column = _COLUMN_BY_KEY.get(_key(name))
        if column is None or column in positions.values():
            ignored.append(name)
        else:
            positions[index] = column
    return positions, ignored


def parse(data: bytes) -> Parsed:
    """Read the file and turn it into rows of values; ImportFileError when it cannot be."""
    kind, table = read_table(data)
    table = [(number, cells) for number, cells in table if any(_clean(c) for c in cells)]
    if not table:
        raise ImportFileError("empty")
    (_, header), body = table[0], table[1:]
    positions, ignored = _map_header(header)
    missing = [column for column in REQUIRED_COLUMNS if column not in positions.values()]
    if missing:
        raise ImportFileError("missing_columns", columns=missing)
    if not body:
        raise ImportFileError("no_rows")
    if len(body) > MAX_ROWS:
        raise ImportFileError("too_many_rows", max=MAX_ROWS)
    rows = []
    for number, cells in body:
        values = dict.fromkeys(COLUMNS, "")
        for index, column in positions.items():
            if index < len(cells):
                values[column] = _clean(cells[index])
        row: dict[str, Any] = {"line": number, "values": values}
        if any(_clean(cell) for cell in cells[len(header) :]):
            row["extra_cells"] = True  # a value with the separator in it, not in quotes
        rows.append(row)
    return Parsed(kind=kind, rows=rows, ignored_columns=ignored)


def language_code(raw: str) -> str | None:
    """The tag the volunteer pages use for ``raw`` (``AR_sy`` → ``ar-SY``, ``kmr`` → ``ku``),
    if CLDR knows it; else None. A regional tag that the list of languages does not offer
    but CLDR knows (``de-DE``) is stored as its language (``de``)."""
    parts = raw.replace("_", "-").split("-")
    if len(raw) > 35 or not all(part.isascii() and part.isalnum() for part in parts):
        return None
    tag = languages.canonical(raw)
    if not tag:
        return None
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if languages.is_known(tag, "en"):
        return tag
    base = languages.canonical(tag.split("-")[0])
    return base if languages.is_known(base, "en") else None


def _languages(raw: str, problems: list[dict[str, Any]]) -> list[dict[str, str]]:
    skills: list[dict[str, str]] = []
    for item in (part.strip() for part in LIST_SEPARATORS.split(raw)):
        if not item:
            continue
        # "ar:native", also "ar=native" or "ar native".
        parts = re.split(r"\s*[:=]\s*|\s+", item, maxsplit=1)
        code_text, level_text = parts[0].strip(), (parts[1] if len(parts) > 1 else "").strip()
        code = language_code(code_text)
        if code is None:
            problems.append({"code": "unknown_language", "value": code_text})
            continue
        if any(skill["code"] == code for skill in skills):
            problems.append({"code": "language_twice", "value": code})
            continue
        level = LEVELS.get(_key(level_text))
        if level is None:
            problems.append(
                {"code": "missing_level" if not level_text else "bad_level", "value": code}
                | ({"level": level_text} if level_text else {})
            )
            continue
        skills.append({"code": code, "level": level.value})
    return skills


def _fold_name(name: str) -> str:
    return re.sub(r"\s+", " ", _key_keep_spaces(name))


def _key_keep_spaces(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def _municipalities() -> dict[str, tuple[int, str]]:
    """Every way to name a municipality (folded name, AGS) → (id, name)."""
    found: dict[str, tuple[int, str]] = {}
    for municipality in db.session.execute(
        select(Municipality.id, Municipality.name, Municipality.ags)
    ):
        found[_fold_name(municipality.name)] = (municipality.id, municipality.name)
        found[municipality.ags] = (municipality.id, municipality.name)
    return found


def _existing_emails(emails: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        existing.update(db.session.scalars(select(User.email).where(User.email.in_(chunk))))
    return existing


def _check_row(row: dict[str, Any], municipalities: dict[str, tuple[int, str]]) -> None:
    values = row["values"]
    problems: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    if row.pop("extra_cells", False):
        problems.append({"code": "extra_cells"})

    name = values["name"]
    if not name:
        problems.append({"code": "name_missing"})
    elif len(name) > MAX_NAME:
        problems.append({"code": "name_too_long", "max": MAX_NAME})
    data["name"] = name

    email = values["email"]
    if not email:
        problems.append({"code": "email_missing"})
    else:
        try:
            validate_email(email, check_deliverability=False)
            email = normalize_email(email)
            if len(email) > 254:
                raise EmailNotValidError("too long")
        except EmailNotValidError:
            problems.append({"code": "email_invalid"})
            email = ""
    data["email"] = email

    phone = values["phone"]
    if phone and (len(phone) > MAX_PHONE or not PHONE.match(phone)):
        problems.append({"code": "phone_invalid"})
    data["phone"] = phone or None

    data["municipality_id"] = None
    if values["municipality"]:
        match = municipalities.get(_fold_name(values["municipality"]))
        if match is None:
            problems.append({"code": "unknown_municipality", "value": values["municipality"]})
        else:
            data["municipality_id"], data["municipality"] = match

    data["languages"] = _languages(values["languages"], problems)

    data["mobility"] = None
    if values["mobility"]:
        mobility = MOBILITY.get(_key(values["mobility"]))
        if mobility is None:
            problems.append({"code": "bad_mobility", "value": values["mobility"]})
        else:
            data["mobility"] = mobility.value

    data["max_distance_km"] = None
    distance = re.sub(r"\s*km$", "", values["max_distance_km"], flags=re.IGNORECASE)
    if distance:
        if distance.isascii() and distance.isdigit() and int(distance) <= MAX_DISTANCE_KM:
            data["max_distance_km"] = int(distance)
        else:
            problems.append(
                {"code": "bad_distance", "value": values["max_distance_km"], "max": MAX_DISTANCE_KM}
            )

    topics: list[str] = []
    for item in (part.strip() for part in LIST_SEPARATORS.split(values["topics"])):
        if not item:
            continue
        topic = TOPICS.get(_key(item))
        if topic is None:
            problems.append({"code": "bad_topic", "value": item})
        elif topic.value not in topics:
            topics.append(topic.value)
    data["topics"] = topics

    on_call = values["on_call"].casefold()
    if on_call in YES:
        data["on_call"] = True
    elif on_call in NO:
        data["on_call"] = False
    else:
        problems.append({"code": "bad_on_call", "value": values["on_call"]})
        data["on_call"] = False

    locale = values["language"].replace("_", "-").split("-")[0].casefold()
    supported = current_app.config["WIRNET_LOCALES"]
    if not locale:
        data["locale"] = current_app.config["BABEL_DEFAULT_LOCALE"]
    elif locale in supported:
        data["locale"] = locale
    else:
        problems.append(
            {"code": "bad_locale", "value": values["language"], "choices": list(supported)}
        )
        data["locale"] = current_app.config["BABEL_DEFAULT_LOCALE"]

    row["data"] = data
    row["problems"] = problems


def check_rows(rows: list[dict[str, Any]]) -> None:
    """Name every row's problems (in ``row["problems"]``) and tidy its values (``row["data"]``)."""
    municipalities = _municipalities()
    for row in rows:
        _check_row(row, municipalities)
    first_line: dict[str, int] = {}
    for row in rows:
        email = row["data"]["email"]
        if not email:
            continue
        if email in first_line:
            row["problems"].append({"code": "duplicate", "line": first_line[email]})
        else:
            first_line[email] = row["line"]
    existing = _existing_emails(list(first_line))
    for row in rows:
        if row["data"]["email"] in existing:
            row["problems"].append({"code": "existing_account"})


def importable(row: dict[str, Any]) -> bool:
    return not row.get("problems") and not row.get("outcome")


# --- the batch -----------------------------------------------------------------------


def purge_old_batches(now=None) -> int:
    """Delete previews older than ``BATCH_LIFETIME`` (they hold personal data)."""
    cutoff = (now or utcnow()) - BATCH_LIFETIME
    result = db.session.execute(delete(ImportBatch).where(ImportBatch.created_at < cutoff))
    return result.rowcount or 0


def create_batch(parsed: Parsed, filename: str, actor: User) -> ImportBatch:
    """Check the rows and keep them for the preview; nothing else is written."""
    purge_old_batches()
    check_rows(parsed.rows)
    batch = ImportBatch(created_by_id=actor.id, filename=(filename or "")[:255], rows=parsed.rows)
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "volunteer.import_previewed",
        actor=actor,
        obj=batch,
        rows=len(parsed.rows),
        ready=sum(1 for row in parsed.rows if importable(row)),
        format=parsed.kind,
    )
    return batch


def live_batch(batch_id: int) -> ImportBatch | None:
    """The batch, unless it does not exist or is older than ``BATCH_LIFETIME``."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.created_at < utcnow() - BATCH_LIFETIME:
        return None
    return batch


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: int


class AlreadyImported(Exception):
    """The batch was confirmed before (perhaps at the same moment in another process)."""


def confirm_batch(batch: ImportBatch, actor: User) -> ImportResult:
    """Create the accounts, profiles and invitations of every row without problems.

    Claims the batch first with a conditional UPDATE, so that two confirmations, even in
    two processes at once, import it once. The caller commits (one transaction).
    """
    from wirnet.volunteers.invitations import send_invitation

    now = utcnow()
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.imported_at.is_(None))
        .values(imported_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AlreadyImported
    db.session.refresh(batch)

    rows = [dict(row) for row in batch.rows]
    ready = [row for row in rows if not row.get("problems")]
    # Someone may have signed up (or another list been imported) since the preview.
    taken = _existing_emails([row["data"]["email"] for row in ready])
    known_municipalities = set(db.session.scalars(select(Municipality.id)))
    # One unusable password per batch: argon2 of a secret nobody keeps. Hashing one per
    # row would cost seconds per hundred rows; the invitation replaces it.
    unusable_hash = passwords.hash_password(secrets.token_urlsafe(32))

    created: list[tuple[dict[str, Any], User]] = []
    for row in ready:
        data = row["data"]
        if data["email"] in taken:
            row["outcome"] = "skipped_existing"
            continue
        taken.add(data["email"])
        user = User(
            email=data["email"],
            password_hash=unusable_hash,
            display_name=data["name"],
            locale=data["locale"],
            role=Role.VOLUNTEER,
        )
        profile = VolunteerProfile(
            user=user,
            phone=data["phone"],
            municipality_id=(
                data["municipality_id"] if data["municipality_id"] in known_municipalities else None
            ),
            mobility=Mobility(data["mobility"]) if data["mobility"] else None,
            max_distance_km=data["max_distance_km"],
            topics=list(data["topics"]),
            on_call=bool(data["on_call"]),
        )
        profile.languages = [
            LanguageSkill(
                code=skill["code"],
                level=LanguageLevel(skill["level"]),
                level_rank=LEVEL_RANK[LanguageLevel(skill["level"])],
            )
            for skill in data["languages"]
        ]
        db.session.add_all([user, profile])
        created.append((row, user))
    db.session.flush()

    for row, user in created:
        send_invitation(user)
        row["outcome"] = "imported"
        audit.record("volunteer.imported", actor=actor, obj=user, batch=batch.id)
    batch.rows = rows  # a new list, so that the JSON column is written
    skipped = len(rows) - len(created)
    audit.record(
        "volunteer.import_confirmed",
        actor=actor,
        obj=batch,
        imported=len(created),
        skipped=skipped,
    )
    db.session.flush()
    return ImportResult(imported=len(created), skipped=skipped)


def discard_batch(batch: ImportBatch, actor: User) -> None:
    audit.record("volunteer.import_discarded", actor=actor, obj=batch)
    db.session.delete(batch)
    db.session.flush()
