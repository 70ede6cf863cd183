"""``flask --app wirnet …`` commands: demo-data, create-user, outbox, regions, qualifications,
reminders, requests, babel-check."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from sqlalchemy import select

from wirnet.auth import passwords
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.roles import Role

#: The operator's terminal speaks English; the forms say the same in the user's language.
PASSWORD_PROBLEMS = {
    passwords.Problem.TOO_SHORT: f"The password needs at least {passwords.MIN_LENGTH} characters.",
    passwords.Problem.TOO_LONG: f"The password may have at most {passwords.MAX_LENGTH} characters.",
    passwords.Problem.TOO_COMMON: "That password is too common; choose another.",
}


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(create_user)
    app.cli.add_command(outbox)
    app.cli.add_command(regions)
    app.cli.add_command(qualifications)
    app.cli.add_command(reminders)
    app.cli.add_command(requests_group)
    app.cli.add_command(babel_check)


@click.command("demo-data")
@click.option("--volunteers", default=12, show_default=True, help="How many volunteers.")
@click.option("--seed", default=2026, show_default=True, help="Seed for reproducible data.")
@click.option(
    "--requests",
    default=40,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many requests (plus a weekly series of six dates, one more per 200).",
)
def demo_data(volunteers: int, seed: int, requests: int) -> None:
    """Load the region, demo accounts (password: wirnet-demo), organisations, requests and
    projects. Safe to run twice."""
    from wirnet.demo import load_demo_data

    created = load_demo_data(volunteers=volunteers, seed=seed, requests=requests)
    db.session.commit()
    click.echo(f"Demo data ready ({created} new records).")


@click.command("create-user")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True, help="The account's role."
)
@click.option("--email", required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: the e-mail).")
@click.option("--locale", default="de", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    role: str, email: str, display_name: str | None, locale: str, password_stdin: bool
) -> None:
    """Create a confirmed account; asks for the password on the terminal."""
    from wirnet.auth import services
    from wirnet.auth.models import normalize_email

    if User.by_email(email) is not None:
        raise click.ClickException(f"An account for {normalize_email(email)} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = passwords.policy_problem(password)
    if problem is not None:
        raise click.ClickException(PASSWORD_PROBLEMS[problem])
    user = services.create_user(
        email=email,
        password_hash=passwords.hash_password(password),
        display_name=display_name or normalize_email(email),
        role=Role(role),
        locale=locale,
    )
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.group()
def outbox() -> None:
    """Show or send the e-mails waiting in the outbox."""


@outbox.command("show")
@click.option("--all", "show_all", is_flag=True, help="Include sent and failed messages.")
def outbox_show(show_all: bool) -> None:
    """Print the pending messages (a demo needs no mail server)."""
    from wirnet.mail.models import OutboxMessage, OutboxStatus

    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if not show_all:
        stmt = stmt.where(OutboxMessage.status == OutboxStatus.PENDING)
    messages = list(db.session.scalars(stmt))
    if not messages:
        click.echo("The outbox is empty.")
    for message in messages:
        created = f"{message.created_at:%Y-%m-%d %H:%M}Z"
        click.echo(f"--- #{message.id} [{message.status.value}] {created}")
        click.echo(f"To: {message.to_address}")
        click.echo(f"Subject: {message.subject}")
        click.echo(f"Language: {message.locale}")
        if message.last_error:
            click.echo(f"Last error (attempt {message.attempts}): {message.last_error}")
        click.echo("")
        click.echo(message.body_text)


@outbox.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", default=30, show_default=True)
def outbox_send(loop: bool, interval: int) -> None:
    """Deliver pending messages over SMTP (WIRNET_MAIL_URL)."""
    import time

    from wirnet.mail.sender import send_pending, transport_from_config

    url = current_app.config.get("MAIL_URL")
    if not url:
        raise click.ClickException(
            "WIRNET_MAIL_URL is not set, so messages stay in the outbox. "
            "Set it to smtp://user:password@host:port, or read them with `flask outbox show`."
        )
    while True:
        transport = transport_from_config(current_app.config)
        report = send_pending(transport, max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"])
        click.echo(f"sent {report.sent}, failed {report.failed}, gave up {report.gave_up}")
        if not loop:
            break
        time.sleep(interval)


@click.group()
def regions() -> None:
    """The municipalities of the centre's region."""


@regions.command("load")
def regions_load() -> None:
    """Load or update the municipalities from WIRNET_REGION_FILE."""
    from wirnet.regions import load_municipalities

    changed = load_municipalities(current_app.config["REGION_FILE"])
    db.session.commit()
    click.echo(f"{changed} municipalities added or updated.")


@click.group()
def qualifications() -> None:
    """The qualification catalogue (wirnet/data/qualifications.toml)."""


@qualifications.command("load")
@click.option("--file", "path", default=None, help="Another catalogue file (TOML).")
def qualifications_load(path: str | None) -> None:
    """Load or update the qualification types from the catalogue file."""
    from wirnet.volunteers.catalogue import DEFAULT_FILE, CatalogueError, load_catalogue

    try:
        changed = load_catalogue(path or DEFAULT_FILE)
    except (CatalogueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{changed} qualification types added or updated.")


@click.group()
def reminders() -> None:
    """Reminders by e-mail (run `reminders send` every hour, e.g. from cron: the automatic
    waves of offers are hours apart)."""


@reminders.command("send")
@click.option("--today", "on", default=None, help="Act as if today were this day (YYYY-MM-DD).")
def reminders_send(on: str | None) -> None:
    """Queue reminders of qualifications entering their renewal window (each once), bring
    back volunteers whose break has ended, and for matching (#8): send the automatic waves
    of offers that are due, tell coordinators about requests starting within 48 hours
    that still need volunteers, and remind volunteers of appointments within 24 hours.
    Each once: running it twice sends nothing twice."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from wirnet.db_types import utcnow
    from wirnet.matching.reminders import send_matching_reminders
    from wirnet.volunteers.reminders import send_reminders
    from wirnet.volunteers.status import end_finished_pauses

    try:
        today = (
            date.fromisoformat(on)
            if on
            else datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
        )
    except ValueError:
        raise click.ClickException(f"--today {on!r} is not a date such as 2026-03-14.") from None
    back = end_finished_pauses(today=today)
    report = send_reminders(today=today)
    # The matching reminders work to the hour: always the real time, whatever --today says.
    matching = send_matching_reminders(now=utcnow())
    db.session.commit()
    click.echo(
        f"{report.volunteers} volunteer reminder(s) and "
        f"{report.coordinators} coordinator summary(ies) queued in the outbox; "
        f"{back} volunteer(s) back from a break."
    )
    click.echo(
        f"{matching.reminders} appointment reminder(s); "
        f"{matching.waves} wave(s) of offers with {matching.offers} offer(s); "
        f"{matching.unfilled} request(s) still needing volunteers reported in "
        f"{matching.alerts} coordinator e-mail(s)."
    )


@click.group("requests")
def requests_group() -> None:
    """Requests (run `requests expire` regularly, e.g. hourly from cron)."""


@requests_group.command("expire")
def requests_expire() -> None:
    """Mark open requests whose time has passed (or whose deadline is over) as expired;
    those with a booked volunteer become assigned instead, for the hours to be recorded."""
    from wirnet.db_types import utcnow
    from wirnet.requests.services import expire_overdue

    done = expire_overdue(utcnow())
    db.session.commit()
    click.echo(f"{done.expired} open request(s) marked as expired.")
    if done.assigned:
        click.echo(
            f"{done.assigned} open request(s) with a booked volunteer marked as assigned "
            "(their volunteers record the hours)."
        )


@click.command("babel-check")
def babel_check() -> None:
    """Fail when a shipped catalog is incomplete, fuzzy or out of date with the code."""
    from wirnet.i18n_check import check_catalogs

    problems = check_catalogs()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} translation problem(s); run `make babel`.")
    click.echo("All catalogs are complete and up to date.")
