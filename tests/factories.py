"""factory-boy factories for test data, writing through the test's session."""

from __future__ import annotations

from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory

from wirnet.auth import passwords
from wirnet.auth.models import User
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.roles import Role

PASSWORD = "a long and unusual test phrase"


@cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Faker("name", locale="de_DE")
    password_hash = factory.LazyFunction(password_hash)
    role = Role.VOLUNTEER
    #: English, so that tests can read the message ids; tests of German set "de".
    locale = "en"
    active = True
    email_confirmed_at = factory.LazyFunction(utcnow)
