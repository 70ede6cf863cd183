"""views_offers"""

from wirnet.matching import bp  # noqa: F401
