"""The roles an account can hold.

They live in the core, beside ``security``, so that every feature depends on the core and
the core never imports a feature.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    VOLUNTEER = "volunteer"
    ORG_MEMBER = "org_member"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
