"""Assignments as iCalendar (RFC 5545): one ``.ics`` per assignment, and the volunteer's
private feed (``/calendar/<token>.ics``) that calendar apps subscribe to.

Each event says, in the volunteer's language, what and where (the address: only booked
assignments are ever written out) and whom to contact. Of the client it holds nothing but
the reference (initials or a number). Times are UTC (``DTSTART:…Z``), so that every
calendar shows them in its own zone; the UID is stable, so that a fresh download or the
next fetch of the feed updates the event instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from wirnet.i18n import current_locale
from wirnet.matching.followup import contact_of
from wirnet.requests.forms import KIND_LABELS, MODE_LABELS
from wirnet.requests.models import Assignment, RequestMode
from wirnet.urls import base_host, external_url
from wirnet.volunteers.languages import display_name

PRODUCT = "-//WIRnet//Assignments//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def uid(assignment: Assignment) -> str:
    """``assignment-17@wirnet.example.org``: the same for every download of it."""
    return f"assignment-{assignment.id}@{base_host(current_app.config['BASE_URL'])}"


def summary(assignment: Assignment, locale: str) -> str:
    """ "Sprachmittlung: Tigrinya" in the reader's language (call inside ``force_locale``)."""
    request = assignment.request
    return _(
        "%(kind)s: %(language)s",
        kind=KIND_LABELS[request.kind],
        language=display_name(request.language_code, locale),
    )


def location(assignment: Assignment) -> str:
    """The address and the town; for a call, how it takes place."""
    request = assignment.request
    town = request.municipality.name if request.municipality is not None else ""
    if request.mode is not RequestMode.ON_SITE:
        return ", ".join(part for part in (str(MODE_LABELS[request.mode]), town) if part)
    address = " ".join((request.address or "").split())
    if town and town not in address:
        return ", ".join(part for part in (address, town) if part)
    return address or town


def description(assignment: Assignment) -> str:
    request = assignment.request
    contact = contact_of(request)
    lines = [
        _(
            "%(language)s – %(other)s",
            language=display_name(request.language_code, current_locale()),
            other=display_name(request.other_language_code, current_locale()),
        ),
        _("Client reference: %(ref)s", ref=request.client_ref),
        "",
        _("Contact: %(name)s", name=contact.name),
    ]
    if contact.person:
        lines.append(_("Contact person: %(name)s", name=contact.person))
    if contact.phone:
        lines.append(_("Phone: %(phone)s", phone=contact.phone))
    if contact.email:
        lines.append(_("E-mail: %(email)s", email=contact.email))
    lines += [
        "",
        _("Details and recording your hours:"),
        external_url("matching.my_assignment", assignment_id=assignment.id),
    ]
    return "\n".join(lines)


def event(assignment: Assignment, *, now: datetime) -> Event:
    request = assignment.request
    locale = current_locale()
    item = Event()
    item.add("uid", uid(assignment))
    item.add("dtstamp", now.astimezone(UTC))
    item.add("dtstart", assignment.starts_at.astimezone(UTC))
    item.add("dtend", assignment.ends_at.astimezone(UTC))
    item.add("last-modified", max(request.updated_at, assignment.created_at).astimezone(UTC))
    item.add("summary", summary(assignment, locale))
    item.add("location", location(assignment))
    item.add("description", description(assignment))
    item.add("url", external_url("matching.my_assignment", assignment_id=assignment.id))
    item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE")
    item.add("class", "PRIVATE")
    return item


def calendar(
    assignments: Iterable[Assignment], *, locale: str, now: datetime, name: str | None = None
) -> bytes:
    """The iCalendar text of ``assignments`` (each with a fixed time), in ``locale``."""
    with force_locale(locale):
        document = Calendar()
        document.add("prodid", PRODUCT)
        document.add("version", "2.0")
        document.add("calscale", "GREGORIAN")
        document.add("method", "PUBLISH")
        if name:
            document.add("x-wr-calname", name)
        for assignment in assignments:
            document.add_component(event(assignment, now=now))
        return document.to_ical()


def feed_name(locale: str) -> str:
    with force_locale(locale):
        return _("WIRnet: my assignments")
