"""Page links for the long lists (accounts, volunteers, organisations, requests, projects)."""

from __future__ import annotations


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and a few around ``page``; None is a gap."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
