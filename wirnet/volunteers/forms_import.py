"""Forms of the volunteer import and of the invitation page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from wirnet.auth.forms import ResetAndClaimForm
from wirnet.forms import WirnetForm


class ImportUploadForm(WirnetForm):
    file = FileField(
        _l("Spreadsheet (CSV or Excel)"),
        validators=[FileRequired(message=_l("Please choose a file."))],
        description=_l("A CSV file or an Excel workbook (.xlsx), at most 5 MB."),
        render_kw={
            "accept": ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet"
        },
    )


class ImportConfirmForm(WirnetForm):
    """Only the CSRF token: the button that imports (or discards) a previewed list."""


class InvitationForm(ResetAndClaimForm):
    """An invited volunteer chooses a password and confirms their name, language and consent
    (the same fields as the owner of an unconfirmed account after a reset)."""
