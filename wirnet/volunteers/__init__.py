"""Volunteers: onboarding, profile, languages, qualifications, availability, directory, import."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__)
