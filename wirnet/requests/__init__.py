"""Requests: what organisations and the centre ask volunteers for, and their life cycle."""

from flask import Blueprint

bp = Blueprint("requests", __name__)
