"""Delivering the outbox over SMTP, with retries and back-off.

Each message is claimed in its own transaction with ``FOR UPDATE SKIP LOCKED`` (on
PostgreSQL; SQLite has one writer at a time anyway), marked and committed before the next,
so any number of senders can run at once and none sends a message another one holds.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage, OutboxStatus
from wirnet.urls import base_host

#: First retry after one minute, doubling, at most six hours apart.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


class SMTPTransport:
    """Sends over one SMTP connection, opened lazily, from a ``WIRNET_MAIL_URL``.

    ``smtp://user:password@host:port`` (``?starttls=1`` to upgrade) or ``smtps://…``.
    ``message_id_domain`` ends every ``Message-ID`` (the site's host; by default the
    domain of the sender's address): spam filters count a made-up domain against a message.
    """

    def __init__(
        self,
        url: str,
        sender: str,
        timeout: float = 30.0,
        *,
        message_id_domain: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("WIRNET_MAIL_URL must start with smtp:// or smtps://")
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.sender = sender
        self.timeout = timeout
        self.message_id_domain = message_id_domain or _address_domain(sender) or "localhost"
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is None:
            if self.scheme == "smtps":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host,
                    self.port,
                    timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.starttls:
                    conn.starttls(context=ssl.create_default_context())
            if self.username:
                conn.login(self.username, self.password or "")
            self._connection = conn
        return self._connection

    def send(self, message: OutboxMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=self.message_id_domain)
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.body_text)
        # After set_content, which drops every Content-* header set before it.
        email["Content-Language"] = message.locale
        try:
            self._connect().send_message(email)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # the connection is being dropped anyway
                self._connection.quit()
            self._connection = None


def _address_domain(address: str) -> str | None:
    _name, addr = parseaddr(address)
    return addr.rpartition("@")[2] or None


def transport_from_config(config: Mapping[str, Any]) -> SMTPTransport:
    """The transport for ``WIRNET_MAIL_URL``, its Message-IDs in the base URL's domain."""
    return SMTPTransport(
        config["MAIL_URL"],
        config["MAIL_FROM"],
        message_id_domain=base_host(config["BASE_URL"]),
    )


def claim_next(now: datetime) -> OutboxMessage | None:
    """Lock and return the oldest due message no other sender holds."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .where(OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalar(stmt)


def send_pending(
    transport: SMTPTransport,
    *,
    max_attempts: int,
    limit: int = 500,
    clock: Callable[[], datetime] = utcnow,
) -> SendReport:
    """Send due messages until none is left (or ``limit``); commits after each one."""
    report = SendReport()
    try:
        for _ in range(limit):
            message = claim_next(clock())
            if message is None:
                db.session.rollback()
                break
            try:
                transport.send(message)
            except Exception as exc:  # any transport failure is retried later
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if message.attempts >= max_attempts:
                    message.status = OutboxStatus.FAILED
                    report.gave_up += 1
                else:
                    message.next_attempt_at = clock() + backoff(message.attempts)
                report.failed += 1
            else:
                message.attempts += 1
                message.status = OutboxStatus.SENT
                message.sent_at = clock()
                message.last_error = None
                report.sent += 1
            db.session.commit()
    finally:
        transport.close()
    return report
