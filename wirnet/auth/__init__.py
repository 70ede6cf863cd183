"""Accounts: sign-up, confirmation, log-in and log-out, password reset, account settings."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
