"""Every model, imported in one place so that the metadata (and Alembic) sees them all."""

from wirnet.audit import AuditEntry
from wirnet.auth.models import Consent, User
from wirnet.mail.models import OutboxMessage
from wirnet.organisations.models import Membership, Organisation, OrganisationInvitation
from wirnet.projects.models import Participation, Project, ProjectRole
from wirnet.regions import Municipality
from wirnet.requests.models import Assignment, Request, RequestEvent, RequestSeries
from wirnet.volunteers.models import (
    Absence,
    AvailabilitySlot,
    ConflictOfInterest,
    ImportBatch,
    IntakeNote,
    LanguageSkill,
    Qualification,
    QualificationType,
    VolunteerProfile,
)

__all__ = [
    "Absence",
    "Assignment",
    "AuditEntry",
    "AvailabilitySlot",
    "ConflictOfInterest",
    "Consent",
    "ImportBatch",
    "IntakeNote",
    "LanguageSkill",
    "Membership",
    "Municipality",
    "Organisation",
    "OrganisationInvitation",
    "OutboxMessage",
    "Participation",
    "Project",
    "ProjectRole",
    "Qualification",
    "QualificationType",
    "Request",
    "RequestEvent",
    "RequestSeries",
    "User",
    "VolunteerProfile",
]
