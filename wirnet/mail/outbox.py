"""Writing messages into the outbox, rendered in the recipient's language.

Messages that anyone can make WIRnet send to an address (sign-up, confirmation, reset, the
confirmation of a new address) are capped per address: at most ``MAIL_PER_ADDRESS_PER_HOUR``
of them in an hour; the rest are dropped silently and the audit log says so. The count is
taken from the outbox table, so it holds across processes. Notices that follow a change the
account's owner made (password or address changed) always go out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from wirnet import audit
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage


def render_message(template_name: str, locale: str, **context: Any) -> tuple[str, str]:
    """Render ``templates/mail/<name>.txt`` in ``locale``: (subject, body).

    The template defines a ``subject`` block and a ``body`` block.
    """
    env = current_app.jinja_env
    with force_locale(locale):
        template = env.get_template(f"mail/{template_name}.txt")
        ctx = template.new_context(dict(context, mail_locale=locale))
        subject = "".join(template.blocks["subject"](ctx)).strip()
        body = "".join(template.blocks["body"](ctx)).strip() + "\n"
    return subject, body


#: Templates that a stranger can trigger for any address; see the module's docstring.
CAPPED_TEMPLATES = frozenset(
    {
        "confirm_email",
        "signup_existing",
        "organisation_signup_existing",
        "reset_password",
        "confirm_email_change",
        "email_change_taken",
    }
)
CAP_WINDOW = timedelta(hours=1)


def recent_capped_messages(to: str) -> int:
    """How many capped messages went (or wait to go) to ``to`` in the last hour."""
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            func.lower(OutboxMessage.to_address) == to.strip().lower(),
            OutboxMessage.template.in_(CAPPED_TEMPLATES),
            OutboxMessage.created_at > utcnow() - CAP_WINDOW,
        )
    )


def queue_email(
    template_name: str,
    *,
    to: str,
    locale: str,
    user: Any = None,
    **context: Any,
) -> OutboxMessage | None:
    """Add a message to the current transaction; it is sent only if that transaction commits.

    Returns None when the message was dropped because its address had enough of them.
    """
    # Rendered either way, so that a dropped message takes as long as a sent one.
    subject, body = render_message(template_name, locale, user=user, **context)
    if (
        template_name in CAPPED_TEMPLATES
        and recent_capped_messages(to) >= current_app.config["MAIL_PER_ADDRESS_PER_HOUR"]
    ):
        audit.record("mail.dropped_rate_limit", obj=user, template=template_name)
        return None
    message = OutboxMessage(
        user_id=getattr(user, "id", None),
        to_address=to,
        locale=locale,
        template=template_name,
        subject=subject,
        body_text=body,
    )
    db.session.add(message)
    return message
