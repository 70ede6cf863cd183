"""The base form of every WIRnet form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class WirnetForm(FlaskForm):
    """Strips surrounding whitespace from every field but passwords (spaces are allowed there)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (_strip, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)
