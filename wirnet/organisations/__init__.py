"""Organisations: registration, approval, members and invitations."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)
