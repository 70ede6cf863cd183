"""The engine's reasons and failures as sentences in the reader's language.

``describe(item, qualification_names=…)`` turns one ``engine.Reason`` (a fact about a
candidate: "speaks Tigrinya natively", "6 km away (Baunatal)") or failed constraint
(``failed=True``: "busy 10:00–11:30 AM") into a translated sentence for the current
request's locale. Language names come from CLDR, weekday and month names, dates and times
from Babel; times are shown in Europe/Berlin. Names people typed (municipalities,
qualification names) are isolated for right-to-left pages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Any

from babel.dates import format_skeleton, get_day_names
from babel.lists import format_list
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from wirnet.bidi import isolate_text
from wirnet.i18n import current_locale
from wirnet.matching.engine import BERLIN, LEVELS, NATIVE, Constraint, Reason, ReasonCode
from wirnet.volunteers.forms import TOPIC_LABELS
from wirnet.volunteers.languages import display_name
from wirnet.volunteers.views import date_range, time_range

_LEVEL_NAMES = {rank: name for name, rank in LEVELS.items()}
_NO_NAMES: Mapping[str, str] = MappingProxyType({})


def describe(item: Reason, *, qualification_names: Mapping[str, str] = _NO_NAMES) -> str:
    """``item`` as a sentence in the current locale. ``qualification_names`` maps
    qualification keys to their names in that locale (from ``QualificationType.names``);
    a key without a name is shown as it is."""
    locale = current_locale()
    params = item.params
    if item.failed:
        return _failure(item.code, params, locale, qualification_names)
    return _fact(item.code, params, locale, qualification_names)


def describe_all(
    items: Iterable[Reason], *, qualification_names: Mapping[str, str] = _NO_NAMES
) -> list[str]:
    """Every item of ``items`` as a sentence, in order."""
    return [describe(item, qualification_names=qualification_names) for item in items]


# --- pieces ---------------------------------------------------------------------------------


def _language(code: str, locale: str) -> str:
    return display_name(code, locale)


def _level(rank: int | None) -> str:
    if rank == NATIVE:
        # Translators: a language level, as in "needs native" (the CEFR levels stay A1…C2).
        return _("native")
    return _LEVEL_NAMES.get(rank, "?") if rank is not None else "?"


def _qualification(key: str, names: Mapping[str, str]) -> str:
    return isolate_text(names.get(key) or key)


def _weekday(number: int, locale: str) -> str:
    return get_day_names("wide", locale=locale)[number]


def _local_time(moment: datetime) -> time:
    return moment.astimezone(BERLIN).time().replace(tzinfo=None)


# --- facts ----------------------------------------------------------------------------------


def _fact(code: str, params: Mapping[str, Any], locale: str, names: Mapping[str, str]) -> str:
    if code == ReasonCode.LANGUAGE:
        language = _language(params["code"], locale)
        if params["rank"] == NATIVE:
            return _("speaks %(language)s natively", language=language)
        return _(
            "speaks %(language)s at level %(level)s",
            language=language,
            level=_level(params["rank"]),
        )
    if code == ReasonCode.OTHER_LANGUAGE:
        language = _language(params["code"], locale)
        if params["rank"] == NATIVE:
            # Translators: the second language of a language mediation (usually German),
            # shown after "speaks Tigrinya natively": "German natively".
            return _("%(language)s natively", language=language)
        # Translators: the second language of a language mediation: "German at level B2".
        return _("%(language)s at level %(level)s", language=language, level=_level(params["rank"]))
    if code == ReasonCode.QUALIFICATION:
        name = _qualification(params["key"], names)
        expires: date | None = params.get("expires_on")
        if expires is None:
            return _("verified %(qualification)s", qualification=name)
        # Translators: %(month)s is a month and year, e.g. "03/2028".
        return _(
            "verified %(qualification)s until %(month)s",
            qualification=name,
            month=format_skeleton("yMM", expires, locale=locale),
        )
    if code == ReasonCode.SLOT:
        # Translators: a weekly free time: "free every Tuesday 9:00 AM – 12:00 PM".
        return _(
            "free every %(weekday)s %(times)s",
            weekday=_weekday(params["weekday"], locale),
            times=time_range(params["start"], params["end"], locale),
        )
    if code == ReasonCode.ON_CALL:
        return _("on call for short-notice requests")
    if code == ReasonCode.DISTANCE:
        if params.get("municipality"):
            # Translators: straight-line distance to the appointment, and where the
            # volunteer lives: "6 km away (Baunatal)".
            return ngettext(
                "%(num)d km away (%(place)s)",
                "%(num)d km away (%(place)s)",
                params["km"],
                place=isolate_text(params["municipality"]),
            )
        return ngettext("%(num)d km away", "%(num)d km away", params["km"])
    if code == ReasonCode.REMOTE:
        if params["mode"] == "video":
            # Translators: the request is done remotely, by a video call.
            return _("by video")
        # Translators: the request is done remotely, by telephone.
        return _("by phone")
    if code == ReasonCode.RECENT:
        count = params["count"]
        if not count:
            return _("no assignment in the last 30 days")
        return ngettext(
            "%(num)d assignment in the last 30 days",
            "%(num)d assignments in the last 30 days",
            count,
        )
    if code == ReasonCode.CONTINUITY:
        if params.get("client"):
            return _("has worked with this client before")
        return _("has worked with this organisation before")
    if code == ReasonCode.RELIABILITY:
        # Translators: how many of the offers made to the volunteer they answered
        # (accepted or declined): "answered 9 of 10 offers".
        return ngettext(
            "answered %(answered)d of %(num)d offer",
            "answered %(answered)d of %(num)d offers",
            params["offers"],
            answered=params["answered"],
        )
    if code == ReasonCode.TOPICS:
        labels = [str(TOPIC_LABELS.get(topic, topic)) for topic in params["topics"]]
        # Translators: the volunteer's interests the request touches: "interested in:
        # Health, Work and jobs".
        return _("interested in: %(topics)s", topics=format_list(labels, locale=locale))
    return code


# --- failures -------------------------------------------------------------------------------


def _setting_failure(needs: str) -> str:
    if needs == "health":
        return _("not comfortable in health settings")
    if needs == "authorities":
        return _("not comfortable with authorities")
    if needs == "school_childcare":
        return _("not comfortable in schools and childcare")
    if needs == "work":
        return _("not comfortable in work settings")
    return _("not comfortable in everyday settings")


def _failure(code: str, params: Mapping[str, Any], locale: str, names: Mapping[str, str]) -> str:
    if code == Constraint.ACTIVE:
        # Translators: the volunteer is paused, has left or is not accepted yet.
        return _("not active")
    if code in (Constraint.LANGUAGE, Constraint.OTHER_LANGUAGE):
        if params.get("rank") is None:
            return _("does not speak %(language)s", language=_language(params["code"], locale))
        language = _language(params.get("skill") or params["code"], locale)
        level, needed = _level(params["rank"]), _level(params["needed"])
        if code == Constraint.LANGUAGE:
            # Translators: "speaks Tigrinya only at level B1 (needs C1)".
            return _(
                "speaks %(language)s only at level %(level)s (needs %(needed)s)",
                language=language,
                level=level,
                needed=needed,
            )
        # Translators: the second language of a language mediation: "German only at level
        # B1 (needs B2)".
        return _(
            "%(language)s only at level %(level)s (needs %(needed)s)",
            language=language,
            level=level,
            needed=needed,
        )
    if code == Constraint.QUALIFICATION:
        # Translators: a required qualification is missing, unverified or expired on the
        # day: "no valid First aid".
        return _("no valid %(qualification)s", qualification=_qualification(params["key"], names))
    if code == Constraint.SLOT:
        if params.get("weekday") is None:
            return _("no weekly free time, not on call")
        # Translators: the appointment is outside the volunteer's weekly free times:
        # "no free time on Tuesday 10:00 – 11:30 AM".
        return _(
            "no free time on %(weekday)s %(times)s",
            weekday=_weekday(params["weekday"], locale),
            times=time_range(params["start"], params["end"], locale),
        )
    if code == Constraint.ABSENT:
        if params.get("date") is not None:
            return _("absent on %(date)s", date=format_date(params["date"]))
        # Translators: absent on every day of a request's flexible window: "absent
        # throughout Dec 7 – 17, 2026".
        return _(
            "absent throughout %(dates)s",
            dates=date_range(params["starts_on"], params["ends_on"], locale),
        )
    if code == Constraint.BUSY:
        # Translators: the volunteer has another booking then (travel time included):
        # "busy 10:00 – 11:30 AM".
        return _(
            "busy %(times)s",
            times=time_range(
                _local_time(params["starts_at"]), _local_time(params["ends_at"]), locale
            ),
        )
    if code == Constraint.GENDER:
        return _("gender preference not met")
    if code == Constraint.CONFLICT:
        # Translators: the volunteer noted a conflict of interest with the client or the
        # organisation; what they wrote is not shown.
        return _("conflict of interest noted")
    if code == Constraint.MODE:
        if not params.get("mediates"):
            return _("does not offer language mediation in this language")
        if params["mode"] == "phone":
            return _("does not mediate by phone")
        if params["mode"] == "video":
            return _("does not mediate by video")
        return _("does not mediate on site")
    if code == Constraint.SETTING:
        return _setting_failure(params.get("needs", "everyday"))
    if code == Constraint.DISTANCE:
        if params.get("km") is None:
            return _("no place of residence given, distance unknown")
        # Translators: "34 km away, travels up to 12 km" (straight-line distances).
        return ngettext(
            "%(num)d km away, travels up to %(reach)d km",
            "%(num)d km away, travels up to %(reach)d km",
            # Rounded up, so that 12.4 km beyond a reach of 12 km never reads "12 km away".
            math.ceil(params["km"]),
            reach=round(params["reach"]),
        )
    return code
