"""Matching and the assignment workflow: who fits a request, offers, bookings, follow-up."""

from flask import Blueprint

bp = Blueprint("matching", __name__)
