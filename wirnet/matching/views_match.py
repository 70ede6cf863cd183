"""views_match"""

from wirnet.matching import bp  # noqa: F401
