"""views_volunteer"""

from wirnet.matching import bp  # noqa: F401
