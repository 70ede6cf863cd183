from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from wirnet.auth import services as auth_services
from wirnet.extensions import db
from wirnet.i18n import remember_locale, switcher_choices
from wirnet.main import bp
from wirnet.main.forms import LanguageForm
from wirnet.regions import municipality_names
from wirnet.roles import Role
from wirnet.security import COORDINATING, safe_next


@bp.get("/")
def index():
    return render_template("main/index.html", municipalities=municipality_names())


@bp.get("/privacy")
def privacy():
    version = current_app.config["PRIVACY_NOTICE_VERSION"]
    try:
        version_date = date.fromisoformat(version)
    except ValueError:
        version_date = None
    return render_template("main/privacy.html", version=version, version_date=version_date)


@bp.get("/contact")
def contact():
    return render_template("main/contact.html")


@bp.get("/imprint")
def imprint():
    return render_template("main/imprint.html")


@bp.get("/home")
def home():
    role = current_user.role
    context: dict = {}
    if role in COORDINATING:
        context["counts"] = auth_services.active_accounts_by_role()
        context["unconfirmed"] = auth_services.unconfirmed_accounts()
    if role is Role.COORDINATOR:
        from wirnet.volunteers.views_coordinator import home_counts  # volunteers waiting

        context["volunteer_counts"] = home_counts()
    if role in COORDINATING:
        from wirnet.organisations.views import coordinator_home_context  # waiting for approval

        context.update(coordinator_home_context())
    if role is Role.ORG_MEMBER:
        from wirnet.organisations.views import home_context as organisations_context

        context.update(organisations_context())
        from wirnet.requests.views import home_context as requests_context

        context.update(requests_context())  # the requests panel
    if role is Role.VOLUNTEER:
        from wirnet.volunteers.views import home_context  # the onboarding checklist

        context.update(home_context())
    return render_template(f"main/home_{role.value}.html", **context)


@bp.post("/language")
def set_language():
    form = LanguageForm(prefix="lang")
    form.locale.choices = switcher_choices()
    target = safe_next(form.next.data, url_for("main.index"))
    if not form.validate_on_submit():
        return redirect(target)
    response = remember_locale(redirect(target), form.locale.data)
    if current_user.is_authenticated:
        auth_services.set_locale(current_user, form.locale.data)
        db.session.commit()
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="error", db="error"), 503
    return jsonify(status="ok", db="ok")
