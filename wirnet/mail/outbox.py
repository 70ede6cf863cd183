"""Writing messages into the outbox, rendered in the recipient's language."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale

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


def queue_email(
    template_name: str,
    *,
    to: str,
    locale: str,
    user: Any = None,
    **context: Any,
) -> OutboxMessage:
    """Add a message to the current transaction; it is sent only if that transaction commits."""
    subject, body = render_message(template_name, locale, user=user, **context)
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
