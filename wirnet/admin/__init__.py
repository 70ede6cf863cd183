"""Administration: the accounts list, role changes, deactivation and reactivation."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
