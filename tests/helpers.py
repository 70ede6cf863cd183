"""Small helpers the tests share: reading links out of the outbox, posting forms."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage

LINK = re.compile(r"https?://\S+")


def outbox(to: str | None = None, template: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if to is not None:
        stmt = stmt.where(OutboxMessage.to_address == to)
    if template is not None:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


def last_link(to: str, template: str) -> str:
    """The path of the first link in the newest ``template`` message to ``to``."""
    messages = outbox(to, template)
    assert messages, f"no {template} message to {to}"
    match = LINK.search(messages[-1].body_text)
    assert match, messages[-1].body_text
    parts = urlsplit(match.group(0))
    return parts.path


def page(response) -> str:
    return response.get_data(as_text=True)


def text(response) -> str:
    """The page without the ``<bdi>`` isolation of names and addresses, to match sentences."""
    return page(response).replace("<bdi>", "").replace("</bdi>", "")
