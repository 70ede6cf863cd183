"""Page links for the long lists (accounts, volunteers, organisations, requests, projects)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import request


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and a few around ``page``; None is a gap."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, and where it stands in the whole."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def page_arg() -> int:
    """``?page=`` as a number; anything else (text, huge numbers) is page 1."""
    value = request.args.get("page", "")
    if not value.isdigit() or len(value) > 9:
        return 1
    return int(value)
