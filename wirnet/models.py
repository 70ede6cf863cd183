"""Every model, imported in one place so that the metadata (and Alembic) sees them all."""

from wirnet.audit import AuditEntry
from wirnet.auth.models import Consent, User
from wirnet.mail.models import OutboxMessage
from wirnet.regions import Municipality

__all__ = ["AuditEntry", "Consent", "Municipality", "OutboxMessage", "User"]
