"""Local integration projects in the municipalities, their roles and their helpers."""

from flask import Blueprint

bp = Blueprint("projects", __name__)
