"""The base form of every WIRnet form: the input rules that hold for every field.

* Surrounding whitespace is stripped from every field but passwords (spaces are allowed there).
* Control characters (NUL and the rest of C0, DEL, and C1) are refused with a message; tab
  and line breaks are allowed in a text area only. The database never sees them. A hidden
  field (which nobody can correct; ``next`` comes from a link) has them removed instead.
* Only the form's own body is read: form-encoded or multipart text parts. A JSON body is
  never taken as form data, and a file part counts only for a file field; for any other
  field it is as if the field had not been sent.
"""

from __future__ import annotations

import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # Flask-WTF's "read the request" default for formdata
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import FileField, HiddenField, PasswordField, TextAreaField
from wtforms.validators import StopValidation

#: Control characters: C0 (with NUL), DEL and C1. Tab and line breaks are in C0 too.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: In a text area, tab and line breaks (browsers send CR LF) are text.
CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_CHARACTER_MESSAGE = _l(
    "This field contains invisible control characters. Please remove them."
)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _drop_control_characters(value: object) -> object:
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def _texts(field) -> list[str]:
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    values = [*values, *(field.raw_data or [])]
    return [value for value in values if isinstance(value, str)]


def no_control_characters(form, field) -> None:
    """The first validator of every field (added by ``WirnetForm``)."""
    pattern = CONTROL_CHARACTERS_IN_TEXT if isinstance(field, TextAreaField) else CONTROL_CHARACTERS
    if any(pattern.search(text) for text in _texts(field)):
        if isinstance(field.data, str):  # shown again without them (NUL breaks HTML)
            field.data = pattern.sub("", field.data)
        raise StopValidation(CONTROL_CHARACTER_MESSAGE)


class WirnetForm(FlaskForm):
    """The base of every form; see the module's docstring for the rules it adds."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (_strip, *options.get("filters", ()))
            hidden = issubclass(unbound_field.field_class, HiddenField)
            if hidden:
                options["filters"] = (*options.get("filters", ()), _drop_control_characters)
            field = unbound_field.bind(form=form, **options)
            if not hidden:
                field.validators = [no_control_characters, *field.validators]
            return field

        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not (request and request.method in ("POST", "PUT", "PATCH", "DELETE")):
                return None
            # Flask-WTF would also read a JSON body, and hand file parts to every field.
            data = MultiDict(request.form)
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            for name, files in request.files.lists():
                if name in file_fields:
                    data.setlist(name, [f for f in files if isinstance(f, FileStorage)])
            return data or None
