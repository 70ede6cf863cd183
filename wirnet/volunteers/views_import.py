"""Importing volunteers from a spreadsheet, and the invitation page of imported volunteers.

URLs: /coordinator/volunteers/import… (coordinators and admins), /invitation/<token>
(public, rate-limited).
"""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wirnet.auth import services as auth_services
from wirnet.extensions import db
from wirnet.i18n import LANGUAGE_COOKIE, remember_locale, switcher_choices
from wirnet.ratelimit import rate_limited
from wirnet.request_body import accepts_upload
from wirnet.roles import Role
from wirnet.security import renew_csrf_token, role_required, start_session
from wirnet.volunteers import bp, importer, invitations, languages
from wirnet.volunteers.forms_import import ImportConfirmForm, ImportUploadForm, InvitationForm

ROWS_PER_PAGE = 50
UPLOAD_TEMPLATE = "volunteers/import/upload.html"


def _megabytes() -> int:
    return importer.MAX_FILE_BYTES // (1024 * 1024)


def file_error_message(error: importer.ImportFileError) -> str:
    """What is wrong with the file, in words."""
    code, params = error.code, error.params
    if code == "too_large":
        return _("The file is larger than %(mb)d MB. Please split the list.", mb=_megabytes())
    if code == "empty":
        return _("The file is empty.")
    if code == "damaged_workbook":
        return _("The Excel workbook is damaged and cannot be read. Please save it again.")
    if code == "not_a_workbook":
        return _(
            "This is a ZIP archive, not an Excel workbook (.xlsx). Please save the list as "
            "an .xlsx or .csv file."
        )
    if code == "missing_columns":
        return ngettext(
            "The first row must name the columns; this column is missing: %(columns)s.",
            "The first row must name the columns; these columns are missing: %(columns)s.",
            len(params["columns"]),
            columns=", ".join(params["columns"]),
        )
    if code == "no_rows":
        return _("The file has a header row but no volunteers.")
    if code == "too_many_rows":
        return _("The file has more than %(max)d rows. Please split the list.", max=params["max"])
    return _(
        "This file is neither a CSV file nor an Excel workbook (.xlsx). Please save the list "
        "as one of these."
    )


def describe_problem(problem: dict[str, Any]) -> str:
    """One problem of a row, in words."""
    code = problem.get("code")
    value = problem.get("value", "")
    if code == "extra_cells":
        return _(
            "This row has more values than there are columns. A value that contains the "
            "separator (such as a list of languages) must be in double quotes."
        )
    if code == "name_missing":
        return _("The name is missing.")
    if code == "name_too_long":
        return _("The name is longer than %(max)d characters.", max=problem["max"])
    if code == "email_missing":
        return _("The e-mail address is missing.")
    if code == "email_invalid":
        return _("The e-mail address is not valid.")
    if code == "duplicate":
        return _("The same e-mail address is already in row %(line)d.", line=problem["line"])
    if code == "existing_account":
        return _("Already has an account: this row will be skipped.")
    if code == "phone_invalid":
        return _("The phone number may only contain digits, spaces and + - / ( ).")
    if code == "unknown_municipality":
        return _("Unknown municipality: %(value)s.", value=value)
    if code == "unknown_language":
        return _("Unknown language code: %(value)s.", value=value)
    if code == "language_twice":
        return _("The language %(value)s is listed twice.", value=value)
    if code == "missing_level":
        return _(
            "Language %(value)s: the level is missing (native, C2, C1, B2, B1, A2 or A1).",
            value=value,
        )
    if code == "bad_level":
        return _(
            "Language %(value)s: “%(level)s” is not a level (native, C2, C1, B2, B1, A2 or A1).",
            value=value,
            level=problem.get("level", ""),
        )
    if code == "bad_mobility":
        return _(
            "Unknown mobility: %(value)s (foot, bicycle, public_transport or car).", value=value
        )
    if code == "bad_distance":
        return _(
            "The distance must be a whole number of kilometres up to %(max)d, not %(value)s.",
            max=problem["max"],
            value=value,
        )
    if code == "bad_topic":
        return _("Unknown topic: %(value)s.", value=value)
    if code == "bad_on_call":
        return _("On call must be yes or no, not %(value)s.", value=value)
    if code == "bad_locale":
        return _(
            "The account language must be one of %(choices)s, not %(value)s.",
            choices=", ".join(problem.get("choices", [])),
            value=value,
        )
    return _("This row cannot be imported.")


def _level_label(level: str) -> str:
    return _("native language") if level == "native" else level


def _column_help() -> dict[str, str]:
    """What each documented column holds (the module docstring of ``importer`` in full)."""
    return {
        "name": _("Required. The volunteer's name."),
        "email": _("Required. The address the invitation goes to."),
        "phone": _("Digits, spaces and + - / ( )."),
        "municipality": _(
            "A municipality of the region, by name; upper and lower case and accents do not matter."
        ),
        "languages": _(
            "Language code and level, pairs separated by semicolons, e.g. %(example)s. "
            "Levels: native, C2, C1, B2, B1, A2, A1.",
            example="ar-SY:native;de:B2;fa-AF:C1",
        ),
        "mobility": _("foot, bicycle, public_transport or car."),
        "max_distance_km": _("How far they will travel, in whole kilometres."),
        "topics": _("Separated by semicolons: %(topics)s.", topics=", ".join(importer.TOPIC_NAMES)),
        "on_call": _("yes or no: whether they can be asked at short notice."),
        "language": _(
            "The language of the account and its e-mails: %(choices)s. Empty: German.",
            choices=", ".join(current_app.config["WIRNET_LOCALES"]),
        ),
    }


def _render_upload(form: ImportUploadForm, status: int):
    return render_template(
        UPLOAD_TEMPLATE,
        form=form,
        columns=importer.COLUMNS,
        german=importer.GERMAN_NAMES,
        column_help=_column_help(),
        max_mb=_megabytes(),
        max_rows=importer.MAX_ROWS,
    ), status


def _page_of(rows: list, page: int) -> tuple[list, int]:
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * ROWS_PER_PAGE
    return rows[start : start + ROWS_PER_PAGE], pages


@bp.route("/coordinator/volunteers/import", methods=["GET", "POST"])
@accepts_upload(importer.MAX_REQUEST_BYTES)
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_upload():
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _render_upload(form, 200 if not form.errors else 422)
    upload = form.file.data
    data = upload.stream.read(importer.MAX_FILE_BYTES + 1)
    try:
        parsed = importer.parse(data)
    except importer.ImportFileError as error:
        form.file.errors.append(file_error_message(error))
        return _render_upload(form, 413 if error.code == "too_large" else 422)
    filename = importer._clean(upload.filename or "")
    batch = importer.create_batch(parsed, filename, current_user._get_current_object())
    db.session.commit()
    if parsed.ignored_columns:
        flash(
            _(
                "These columns were not used: %(columns)s.",
                columns=", ".join(parsed.ignored_columns),
            ),
            "info",
        )
    return redirect(url_for("volunteers.import_preview", batch_id=batch.id))


@bp.errorhandler(413)
def _upload_too_large(error):
    """A request larger than the upload page accepts: say so on the upload page."""
    allowed = current_user.is_authenticated and current_user.has_role(Role.COORDINATOR, Role.ADMIN)
    if request.endpoint != "volunteers.import_upload" or not allowed:
        return render_template("errors/413.html", code=413), 413
    form = ImportUploadForm(formdata=None)
    form.file.errors = [
        _("The file is larger than %(mb)d MB. Please split the list.", mb=_megabytes())
    ]
    return _render_upload(form, 413)


@bp.get("/coordinator/volunteers/import/<int:batch_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_preview(batch_id: int):
    batch = importer.live_batch(batch_id)
    if batch is None:
        abort(404)
    rows = batch.rows or []
    only_problems = request.args.get("show") == "problems"
    shown = [row for row in rows if row.get("problems")] if only_problems else rows
    page = request.args.get("page", 1, type=int) or 1
    page_rows, pages = _page_of(shown, page)
    return render_template(
        "volunteers/import/preview.html",
        batch=batch,
        rows=page_rows,
        page=min(max(page, 1), pages),
        pages=pages,
        only_problems=only_problems,
        total=len(rows),
        ready=sum(1 for row in rows if importer.importable(row)),
        with_problems=sum(1 for row in rows if row.get("problems")),
        imported=sum(1 for row in rows if row.get("outcome") == "imported"),
        form=ImportConfirmForm(formdata=None),
        describe_problem=describe_problem,
        language_name=languages.display_name,
        level_label=_level_label,
    )


def _batch_or_404(batch_id: int):
    batch = importer.live_batch(batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.post("/coordinator/volunteers/import/<int:batch_id>/confirm")
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_confirm(batch_id: int):
    batch = _batch_or_404(batch_id)
    if not ImportConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = importer.confirm_batch(batch, current_user._get_current_object())
    except importer.AlreadyImported:
        db.session.rollback()
        flash(_("This list has already been imported."), "info")
        return redirect(url_for("volunteers.import_preview", batch_id=batch_id))
    db.session.commit()
    flash(
        ngettext(
            "%(num)d volunteer imported; the invitation e-mail is on its way.",
            "%(num)d volunteers imported; the invitation e-mails are on their way.",
            result.imported,
        ),
        "success",
    )
    return redirect(url_for("volunteers.import_preview", batch_id=batch_id))


@bp.post("/coordinator/volunteers/import/<int:batch_id>/discard")
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_discard(batch_id: int):
    batch = _batch_or_404(batch_id)
    if not ImportConfirmForm().validate_on_submit():
        abort(400)
    importer.discard_batch(batch, current_user._get_current_object())
    db.session.commit()
    flash(_("The list has been discarded. Nothing was imported from it."), "info")
    return redirect(url_for("volunteers.import_upload"))


def _invitation_locale(user) -> str:
    """The page speaks the language the visitor chose, else the one the centre noted."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["WIRNET_LOCALES"]:
        return chosen
    return user.locale


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@rate_limited
def accept_invitation(token: str):
    user = invitations.user_for_invitation(token)
    if user is None:
        return render_template("auth/link_invalid.html"), 400
    locale = _invitation_locale(user)
    with force_locale(locale):
        form = InvitationForm()
        form.locale.choices = switcher_choices()
        if request.method == "GET":
            form.display_name.data = user.display_name
            form.locale.data = locale
        if form.validate_on_submit():
            invitations.accept_invitation(
                user,
                invitations.Acceptance(
                    display_name=form.display_name.data,
                    locale=form.locale.data,
                    password=form.password.data,
                    notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                ),
            )
            auth_services.record_login(user)
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            start_session(remember=False)
            renew_csrf_token()
            with force_locale(user.locale):
                flash(
                    _("Welcome, %(name)s. Your account is ready.", name=user.display_name),
                    "success",
                )
            return remember_locale(redirect(url_for("main.home")), user.locale)
        status = 200 if not form.errors else 422
        return render_template("volunteers/import/invitation.html", form=form), status
