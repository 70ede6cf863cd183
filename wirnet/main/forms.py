from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField

from wirnet.forms import WirnetForm


class LanguageForm(WirnetForm):
    locale = SelectField(_l("Language"), choices=[])
    next = HiddenField()
