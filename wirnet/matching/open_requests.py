"""The engine turned round: the open requests a volunteer fits.

``open_requests_for(profile, now=…)``: the open requests in the volunteer's languages
(SQL, bounded, soonest first), evaluated one by one against the volunteer's facts (loaded
once); the ones that fit, soonest first; 5 queries whatever the numbers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import joinedload

from wirnet.extensions import db
from wirnet.matching import engine, sql
from wirnet.matching.candidates import all_towns
from wirnet.matching.facts import facts_for, local_today, settings
from wirnet.matching.loading import (
    RECENT_DAYS,
    History,
    answered,
    count_where,
    load,
    offered,
    recent,
)
from wirnet.matching.narrowing import NEAR_MISS_RANK
from wirnet.organisations.models import Organisation
from wirnet.requests.models import Assignment, AssignmentState, Request, RequestState
from wirnet.volunteers.models import VolunteerProfile

#: ``open_requests_for`` evaluates at most this many open requests of each timing (fixed
#: appointments, flexible windows), soonest first.
OPEN_REQUEST_POOL = 200


def _history_rows(profile_id: int, now: datetime) -> list:
    """The volunteer's assignment history grouped by organisation, client and outcome."""
    stmt = (
        select(
            Request.organisation_id,
            Request.client_ref,
            Assignment.state,
            count_where(recent()).label("recent"),
            count_where(offered()).label("offers"),
            count_where(and_(offered(), answered())).label("answered"),
        )
        .join(Request, Request.id == Assignment.request_id)
        .where(Assignment.profile_id == profile_id)
        .group_by(Request.organisation_id, Request.client_ref, Assignment.state)
    )
    values = {"recent_from": now - timedelta(days=RECENT_DAYS), "now": now}
    return list(db.session.execute(stmt, values))


def _history_for(rows: list, facts: engine.RequestFacts) -> History:
    org, ref = facts.organisation_id, facts.client_ref
    history = History()
    for row in rows:
        history.recent += int(row.recent or 0)
        history.offers += int(row.offers or 0)
        history.offers_answered += int(row.answered or 0)
        same_org = org is not None and row.organisation_id == org
        same_client = bool(ref) and row.client_ref == ref and row.organisation_id == org
        if row.state == AssignmentState.COMPLETED:
            history.worked_with_organisation |= same_org
            history.worked_with_client |= same_client
        if row.state == AssignmentState.DECLINED and (same_org or same_client):
            history.declined_here_before = True
    return history


def _open_requests(
    profile_id: int, codes: list[str], now: datetime, today: date, flexible: bool
) -> list[tuple[Request, str | None]]:
    if codes:
        language = or_(*(sql.variety_condition(Request.language_code, code) for code in codes))
    else:
        language = false()
    timing = (
        and_(Request.starts_at.is_(None), Request.deadline >= today)
        if flexible
        else Request.starts_at > now
    )
    order = (Request.deadline, Request.id) if flexible else (Request.starts_at, Request.id)
    stmt = (
        select(Request, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Request.organisation_id)
        .where(
            Request.state == RequestState.OPEN,
            timing,
            language,
            ~exists().where(
                Assignment.request_id == Request.id,
                Assignment.profile_id == profile_id,
                Assignment.state != AssignmentState.WITHDRAWN,
            ),
        )
        .options(joinedload(Request.municipality))
        .order_by(*order)
        .limit(OPEN_REQUEST_POOL)
    )
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def _soonest(request: Request) -> tuple:
    if request.starts_at is not None:
        return (request.starts_at, request.id)
    day = request.deadline or request.window_from
    return (datetime.combine(day, time(23, 59), tzinfo=engine.BERLIN), request.id)


def open_requests_for(
    profile: VolunteerProfile, *, now: datetime, limit: int = 20
) -> list[tuple[Request, engine.Evaluation]]:
    """The open requests ``profile`` fits (every hard rule), soonest first: those not
    started, not already offered to or booked by them, in their languages; 5 queries."""
    s = settings()
    today = local_today(now)
    towns = all_towns()
    loaded = load(
        [profile.id],
        first_day=today,
        last_day=None,
        busy_from=now - timedelta(days=1),
        busy_until=None,
    )
    me = loaded.get(profile.id)
    codes = sorted(
        {
            sql.language_base(skill.code)
            for skill in (me.languages if me is not None else ())
            if skill.rank >= NEAR_MISS_RANK
        }
    )
    found = _open_requests(profile.id, codes, now, today, flexible=False)
    found += _open_requests(profile.id, codes, now, today, flexible=True)
    rows = _history_rows(profile.id, now)
    fitting = []
    if me is not None:
        for request, organisation_name in found:
            town = towns.get(request.municipality_id) if request.municipality_id else None
            facts = facts_for(request, today=today, town=town, organisation_name=organisation_name)
            volunteer = me.facts(profile.id, towns, _history_for(rows, facts))
            evaluation = engine.fits_request(facts, volunteer, s)
            if evaluation is not None:
                fitting.append((request, evaluation))
    fitting.sort(key=lambda pair: _soonest(pair[0]))
    return fitting[:limit]
