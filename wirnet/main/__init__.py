"""Public pages, the home page of each role, the language switcher and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)
